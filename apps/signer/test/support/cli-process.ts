import { spawn, spawnSync, type ChildProcessWithoutNullStreams, type SpawnSyncReturns } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/cli/main.js';

/** Running the `openkms` CLI from tests: in-process, or as a real child process. */

/** The monorepo root (the CLI is spawned from there). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');

/**
 * The `openkms` command as installed (apps/signer/bin/openkms.mjs): built output when it is up to date, the TypeScript
 * sources through tsx otherwise, so a spawned CLI starts in a fraction of a second once `pnpm build` has run.
 */
export const CLI_BIN = join(REPO_ROOT, 'apps/signer/bin/openkms.mjs');

export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs one CLI command in this process (the same `main` the binary runs; no process start, no TypeScript compile).
 * For commands that finish on their own (token, audit, config, openapi, --help); a test about the process itself
 * (signals, exit status of the binary, long-running commands) uses runCli or spawnCli.
 */
export async function cli(args: readonly string[]): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { out: (l) => (stdout += l + '\n'), err: (l) => (stderr += l + '\n') });
  return { code, signal: null, stdout, stderr };
}

/** Starts the real CLI (`openkms …`) as a child process from the repo root. */
export function spawnCli(args: readonly string[], opts: { env?: NodeJS.ProcessEnv; detached?: boolean } = {}): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, [CLI_BIN, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, INIT_CWD: REPO_ROOT, ...opts.env },
    stdio: ['pipe', 'pipe', 'pipe'],
    ...(opts.detached ? { detached: true } : {}),
  });
}

/** Runs the real CLI as a child process to its end (killed after `timeoutMs`). */
export function runCli(args: readonly string[], opts: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawnCli(args, opts.env ? { env: opts.env } : {});
    child.stdin.end();
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 20_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stdout, stderr });
    });
  });
}

/** runCli, synchronously. */
export function runCliSync(args: readonly string[]): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [CLI_BIN, ...args], { cwd: REPO_ROOT, env: { ...process.env, INIT_CWD: REPO_ROOT }, encoding: 'utf8' });
}

/** A loopback port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolvePromise(port));
    });
    srv.on('error', reject);
  });
}
