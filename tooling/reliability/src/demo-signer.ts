// The signer under test: `openkms demo` (the real CLI, its simulated YubiHSM2 in the same process, state in one
// directory) as a child process that the suite can SIGKILL and start again on the same directory, or in this
// process (startDemo) when a test needs the simulator's fault knobs.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDemo, type RunningDemo } from '@openkms/signer';
import { DEPLOY_UNIT_PATH, deploymentNodeFlags } from '@openkms/tooling/test-helpers';
import type { KeysByLabel } from './chain-requests.js';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const CLI_BIN = join(REPO_ROOT, 'apps/signer/bin/openkms.mjs');
const quiet = { write: () => undefined } as never;

export interface DemoDir {
  readonly dir: string;
  readonly config: string;
  readonly signerToken: string;
  readonly adminToken: string;
}

/** Creates a demo directory (device, keys, tokens, audit key) and lets `edit` rewrite its config.toml. */
export async function prepareDemoDir(edit: (toml: string) => string = (t) => t, prefix = 'openkms-reliability-'): Promise<DemoDir> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const demo = await startDemo({ dir, listen: { host: '127.0.0.1', port: 0 }, sim: 'in-process', logDestination: quiet });
  await demo.close();
  writeFileSync(demo.files.config, edit(readFileSync(demo.files.config, 'utf8')));
  return {
    dir,
    config: demo.files.config,
    signerToken: readFileSync(demo.files.signerToken, 'utf8').trim(),
    adminToken: readFileSync(demo.files.adminToken, 'utf8').trim(),
  };
}

/** Replaces the `[keys.<label>.policy]` table of the demo config with `body` (TOML lines). */
export function withPolicy(label: string, body: string): (toml: string) => string {
  return (toml) => {
    const header = `[keys.${label}.policy]\n`;
    const start = toml.indexOf(header);
    if (start < 0) throw new Error(`no ${header.trim()} in config`);
    const rest = toml.slice(start + header.length);
    const next = rest.search(/^\[/m);
    return toml.slice(0, start) + header + body.trim() + '\n' + (next < 0 ? '' : '\n' + rest.slice(next));
  };
}

/**
 * Faults and fuzzing make many refusals: lifts the per-token refusal budget (`[auth] denied_per_minute`), which would
 * otherwise answer 429 before the backend or the policy is reached.
 */
export const withoutRefusalBudget = (toml: string): string => toml.replace(/^\[auth\]$/m, '[auth]\ndenied_per_minute = 1000000');

const HUGE = '1000000000000000000000000000000';

/**
 * The demo's count and spend caps raised out of reach (and the refusal budget lifted): the fuzzer and the soak measure
 * the signer, not the caps. Every other rule of the demo's policy stays.
 */
export const withCapsOutOfReach = (toml: string): string =>
  withoutRefusalBudget(toml)
    .replace(/^max_signs_per_minute = \d+$/gm, 'max_signs_per_minute = 1000000000')
    .replace(/^max_signs_per_day = \d+$/gm, 'max_signs_per_day = 1000000000')
    .replace(/^daily_cap_lamports = "\d+"$/m, `daily_cap_lamports = "${HUGE}"`)
    .replace(/^window_caps = \{ ("denom:uatom"|native) = "\d+" \}$/gm, `window_caps = { $1 = "${HUGE}" }`);

export const pipe =
  (...edits: ((t: string) => string)[]) =>
  (t: string) =>
    edits.reduce((acc, e) => e(acc), t);

/** A loopback port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => res(port));
    });
    srv.on('error', rej);
  });
}

export interface SignerProcess {
  readonly child: ChildProcess;
  readonly url: string;
  readonly output: string[];
  /** SIGKILL, resolved once the process is gone. */
  kill9(): Promise<void>;
  /** SIGTERM (a clean stop), resolved with the exit code. */
  stop(): Promise<number | null>;
  /** Resident set size of the process (kB from /proc), or undefined off Linux. */
  rssMb(): number | undefined;
}

/** The node flags of the shipped systemd unit (its heap caps): the suite runs the signer as it is deployed. */
export const DEPLOYED_NODE_FLAGS = deploymentNodeFlags(readFileSync(DEPLOY_UNIT_PATH, 'utf8'));

/**
 * Starts `openkms demo --dir DIR --listen 127.0.0.1:PORT` and waits until GET /health answers. The process runs
 * with the shipped unit's node flags unless `nodeFlags` says otherwise ([] for Node's defaults); `demoArgs` are more
 * `openkms demo` flags (e.g. `--latency realistic`).
 */
export async function startSignerProcess(
  dir: string,
  port: number,
  opts: { timeoutMs?: number; nodeFlags?: readonly string[]; env?: Readonly<Record<string, string>>; demoArgs?: readonly string[] } = {},
): Promise<SignerProcess> {
  const timeoutMs = opts.timeoutMs ?? 180_000;
  const args = [...(opts.nodeFlags ?? DEPLOYED_NODE_FLAGS), CLI_BIN, 'demo', '--dir', dir, '--listen', `127.0.0.1:${port}`, ...(opts.demoArgs ?? [])];
  const child = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    env: { ...process.env, ...opts.env, INIT_CWD: REPO_ROOT },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const keep = (d: Buffer) => {
    output.push(String(d));
    if (output.length > 200) output.splice(0, output.length - 200);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  // 'close': the process is gone and its output read to the end
  const exited = new Promise<number | null>((r) => child.once('close', (code, signal) => (output.push(`[exit ${code ?? signal}]`), r(code))));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  let gone = false;
  void exited.then(() => (gone = true));
  for (;;) {
    if (gone) throw new Error(`openkms demo exited during start:\n${output.join('').slice(-3000)}`);
    try {
      const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (res.status === 200) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`openkms demo did not become healthy in ${timeoutMs} ms:\n${output.join('').slice(-3000)}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    child,
    url,
    output,
    async kill9() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
    rssMb() {
      try {
        const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
        const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
        return Number.isFinite(kb) ? kb / 1024 : undefined;
      } catch {
        return undefined;
      }
    },
  };
}

/** `openkms audit verify --config FILE` as a child process: its exit code and output. */
export function auditVerify(config: string): Promise<{ code: number | null; out: string }> {
  return new Promise((res) => {
    const child = spawn(process.execPath, [CLI_BIN, 'audit', 'verify', '--config', config], {
      cwd: REPO_ROOT,
      env: { ...process.env, INIT_CWD: REPO_ROOT },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code) => res({ code, out }));
  });
}

/** GET /keys by label. */
export async function keysByLabel(url: string, token: string): Promise<KeysByLabel> {
  const res = await fetch(`${url}/keys`, { headers: { authorization: `Bearer ${token}` } });
  const keys = (await res.json()) as { label: string; address: string; public_key_b64: string }[];
  return Object.fromEntries(keys.map((k) => [k.label, k]));
}

/** The demo in this process, its simulator reachable through a loopback connector (fault knobs on `demo.sim`). */
export async function startInProcessDemo(dir: string): Promise<RunningDemo> {
  return startDemo({ dir, listen: { host: '127.0.0.1', port: 0 }, logDestination: quiet });
}
