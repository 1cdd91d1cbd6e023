import { isOpenKmsError } from '@openkms/core';
import { stdio, type CliIo } from './cli-context.js';
import { EXIT_CODES_HELP, exitCodeFor } from './cli-exit-codes.js';
import { UsageError } from './parse-args.js';

export const HELP = `openkms — deny-by-default signing service backed by a YubiHSM2

Usage: openkms <command> [options]   (from the repo: npx -y pnpm@10 openkms <command>, or pnpm openkms <command>)

Commands:
  demo [--dir DIR] [--listen HOST:PORT] [--latency zero|realistic] [--sim-listen HOST:PORT]
                                          start the signer on an embedded simulated YubiHSM2 with demo keys
  run --config FILE                       start the signer from a config file
  sim [--listen HOST:PORT] [--state FILE] [--latency zero|realistic] [--serial N]
                                          run the YubiHSM2 simulator as a connector-compatible server
  token create|list|revoke                manage bearer tokens (hashes in a 0600 file)
  audit verify|repair                     check the audit log's HMAC chain; move a torn tail aside
  state rebuild --config FILE             fleet mode: rebuild the counters in Redis from the instances' audit logs
  openapi [--write]                       print (or regenerate) the OpenAPI v1 document
  config check --config FILE              validate a config file
  keys list (--config FILE | --url URL)   list a running signer's keys, and the backends' keys no label maps to
  keys list|address|generate|provision --connector URL ...
                                          a YubiHSM2's keys: list, address, generate in the device, derive from
                                          the mnemonic and import (--backend NAME: another key backend)
  new-mnemonic [--connector URL] [--out FILE]
                                          24 words from the device's random generator mixed with the host's
  setup --mnemonic-file FILE [--passphrase-file FILE] [--force]
                                          install the ceremony's auth keys and wrap key, remove the factory key
  backup --out FILE --mnemonic-file FILE  wrap-export every signing key into a checksummed bundle (mode 0600)
  restore --in FILE --mnemonic-file FILE  import a backup (ours or the original's); verify every public key
  mcp (--url URL | --config FILE) [--token-file FILE]
                                          serve the signer's tools to an MCP agent over stdio
  approvals list|show|approve|deny (--config FILE | --url URL)
                                          review and decide requests held for an operator approval
  pairing list|show|approve|deny (--config FILE | --url URL)
                                          review agents' pairing requests; approve one with its code
  config migrate --from-original FILE --out DIR
                                          convert the original Rust openKMS's config, tokens and kill switches

Run 'openkms <command> --help' for a command's options.

${EXIT_CODES_HELP}`;

type Command = (argv: string[], io: CliIo) => Promise<number>;

/** Each command's module is imported only when that command runs (a CLI call pays for what it uses). */
const COMMANDS: Record<string, () => Promise<Command>> = {
  demo: async () => (await import('./demo-command.js')).demoCommand,
  run: async () => (await import('./run-command.js')).runCommand,
  sim: async () => (await import('./sim-command.js')).simCommand,
  token: async () => (await import('./token-command.js')).tokenCommand,
  audit: async () => (await import('./audit-command.js')).auditCommand,
  state: async () => (await import('./state-command.js')).stateCommand,
  openapi: async () => (await import('./openapi-command.js')).openapiCommand,
  config: async () => (await import('./config-command.js')).configCommand,
  keys: async () => (await import('./keys-command.js')).keysCommand,
  'new-mnemonic': async () => (await import('./new-mnemonic-command.js')).newMnemonicCommand,
  setup: async () => (await import('./setup-command.js')).setupCommand,
  backup: async () => (await import('./backup-command.js')).backupCommand,
  restore: async () => (await import('./restore-command.js')).restoreCommand,
  mcp: async () => (await import('./mcp-command.js')).mcpCommand,
  approvals: async () => (await import('./approvals-command.js')).approvalsCommand,
  pairing: async () => (await import('./pairing-command.js')).pairingCommand,
};

/** The names of the CLI's commands. */
export const COMMAND_NAMES: readonly string[] = Object.keys(COMMANDS);

/**
 * Runs one CLI command and resolves with its exit code: 0 success (also after a clean stop on SIGINT/SIGTERM, and for
 * every `--help`), 1 failure, 2 usage error, 3–6 the device commands' failures (see cli-exit-codes.ts).
 */
export async function main(argv: readonly string[], io: CliIo = stdio): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    (name ? io.out : io.err)(HELP);
    return name ? 0 : 2;
  }
  const load = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!load) {
    io.err(`openkms: unknown command ${name}\n\n${HELP}`);
    return 2;
  }
  try {
    return await (
      await load()
    )(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`openkms ${name}: ${err.message} (see openkms ${name} --help)`);
      return 2;
    }
    if (isOpenKmsError(err)) {
      const reason = typeof err.context.reason === 'string' && exitCodeFor(err) !== 1 ? `, ${err.context.reason}` : '';
      io.err(`openkms ${name}: ${err.message} [${err.code}${reason}]`);
      return exitCodeFor(err);
    }
    io.err(`openkms ${name}: ${(err as Error)?.message ?? String(err)}`);
    return 1;
  }
}
