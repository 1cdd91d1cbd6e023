import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { cosmosSendSignDoc, solanaTransferMessage } from './chain-fixtures.js';
import type { TestSigner } from './test-signer.js';

/** The monorepo root (the CLI is spawned from there). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');

export interface KeyInfo {
  readonly label: string;
  readonly address: string;
  readonly public_key_b64: string;
}

/** GET /keys, by label. */
export async function keysOf(s: TestSigner, token = s.signerToken): Promise<Record<string, KeyInfo>> {
  const res = await s.request('GET', '/keys', { token });
  assert.equal(res.status, 200, res.text);
  return Object.fromEntries((res.json as KeyInfo[]).map((k) => [k.label, k]));
}

/** A valid POST /sign/solana body: a System transfer of `lamports` paid by the key (a fresh blockhash every call). */
export function solanaBody(
  keys: Record<string, KeyInfo>,
  lamports: bigint | number,
  extra: Record<string, unknown> = {},
): { label: string; message_b64: string } {
  const message = solanaTransferMessage({ from: keys['solana-hot-0']!.address, lamports });
  return { label: 'solana-hot-0', message_b64: Buffer.from(message).toString('base64'), ...extra };
}

/** A valid POST /sign/cosmos body: a MsgSend of `uatom` (distinct sequence numbers make distinct documents). */
export function cosmosBody(
  keys: Record<string, KeyInfo>,
  uatom: number,
  sequence = Math.floor(Math.random() * 1e9),
): { label: string; sign_doc_b64: string; expected_chain_id: string } {
  const key = keys['cosmos-hub-0']!;
  const doc = cosmosSendSignDoc({
    publicKey: Buffer.from(key.public_key_b64, 'base64'),
    from: key.address,
    amounts: [{ denom: 'uatom', amount: String(uatom) }],
    sequence,
  });
  return { label: 'cosmos-hub-0', sign_doc_b64: Buffer.from(doc).toString('base64'), expected_chain_id: 'cosmoshub-4' };
}

/** Every record of the active audit file, parsed (raw lines too). */
export function auditLines(dir: string): { lines: string[]; records: any[] } {
  const file = join(dir, 'audit', 'audit.jsonl');
  if (!existsSync(file)) return { lines: [], records: [] };
  const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
  return { lines, records: lines.map((l) => JSON.parse(l)) };
}

/** Polls `probe` until it returns a value other than undefined/false (bounded). */
export async function waitFor<T>(probe: () => T | undefined | false | Promise<T | undefined | false>, what: string, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The value of one sample of the Prometheus text exposition (undefined when absent). */
export function metricValue(exposition: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of exposition.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = new Map<string, string>();
    for (const pair of (m[3] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) have.set(pair[1]!, pair[2]!);
    if (Object.entries(labels).every(([k, v]) => have.get(k) === v)) return Number(m[4]);
  }
  return undefined;
}

/** The sum of every sample of `name` whose labels include `labels`. */
export function metricSum(exposition: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of exposition.split('\n')) {
    if (line.startsWith(name + '{') || line.startsWith(name + ' ')) {
      const v = metricValue(line, name, labels);
      if (v !== undefined) sum += v;
    }
  }
  return sum;
}

export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the real CLI (`node --conditions=source --import tsx apps/signer/src/cli.ts …`) from the repo root. */
export function runCli(args: readonly string[], opts: { timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', 'apps/signer/src/cli.ts', ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, INIT_CWD: REPO_ROOT },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
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
