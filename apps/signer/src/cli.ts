#!/usr/bin/env node
import { isOpenKmsError } from '@openkms/core';
import { auditCommand } from './cli/audit-command.js';
import { stdio, type CliIo } from './cli/cli-context.js';
import { configCommand } from './cli/config-command.js';
import { demoCommand } from './cli/demo-command.js';
import { openapiCommand } from './cli/openapi-command.js';
import { UsageError } from './cli/parse-args.js';
import { runCommand } from './cli/run-command.js';
import { simCommand } from './cli/sim-command.js';
import { tokenCommand } from './cli/token-command.js';

const HELP = `openkms — deny-by-default signing service backed by a YubiHSM2

Usage: openkms <command> [options]   (from the repo: pnpm openkms <command>)

Commands:
  demo [--dir DIR] [--listen HOST:PORT]   start the signer on an embedded simulated YubiHSM2 with demo keys
  run --config FILE                       start the signer from a config file
  sim --listen HOST:PORT [--state FILE] [--latency zero|realistic]
                                          run the YubiHSM2 simulator as a connector-compatible server
  token create|list|revoke                manage bearer tokens (hashes in a 0600 file)
  audit verify|repair                     check the audit log's HMAC chain; move a torn tail aside
  openapi [--write]                       print (or regenerate) the OpenAPI v1 document
  config check --config FILE              validate a config file
  config migrate --from-original FILE --out DIR
                                          convert the original Rust openKMS's config, tokens and kill switches

Run 'openkms <command> --help' for a command's options.`;

const COMMANDS: Record<string, (argv: string[], io: CliIo) => Promise<number>> = {
  demo: demoCommand,
  run: runCommand,
  sim: simCommand,
  token: tokenCommand,
  audit: auditCommand,
  openapi: openapiCommand,
  config: configCommand,
};

export async function main(argv: string[], io: CliIo = stdio): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(HELP);
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.err(`openkms: unknown command ${name}\n\n${HELP}`);
    return 2;
  }
  try {
    return await command(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`openkms ${name}: ${err.message} (see openkms ${name} --help)`);
      return 2;
    }
    if (isOpenKmsError(err)) {
      io.err(`openkms ${name}: ${err.message} [${err.code}]`);
      return 1;
    }
    io.err(`openkms ${name}: ${(err as Error)?.message ?? String(err)}`);
    return 1;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`openkms: ${(err as Error)?.message ?? String(err)}\n`);
    process.exitCode = 1;
  },
);
