import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auditRecords } from './support/audit-files.js';
import { freePort, spawnCli } from './support/cli-process.js';
import { waitFor } from './support/wait-for.js';
import { startTestSigner, type TestSigner } from './support/test-signer.js';
import { SOL, keyAddress, policyView, signSolana, solanaBody, withPolicy } from './support/policy-fixtures.js';
import { solanaTransferMessage } from './support/chain-fixtures.js';

const SYSTEM = '11111111111111111111111111111111';
const nativeSpend = (view: any) => view.runtime.spend.find((x: { asset: string }) => x.asset === 'native');

describe('state survives a restart (counters and spend from the audit log; switches and overlays from the state file)', () => {
  let s: TestSigner;
  after(async () => {
    await s?.close();
  });

  test('restart(): used counts, rolling spend, the key kill switch and the overlay are all back', async () => {
    s = await startTestSigner({
      config: withPolicy(
        SOL,
        `max_signs_per_minute = 20\nmax_signs_per_hour = 100\nper_tx_cap_lamports = "5000000000"\ndaily_cap_lamports = "20000000000"\nallowed_programs = [{ id = "${SYSTEM}" }]`,
      ),
    });
    const from = await keyAddress(s, SOL);
    for (const lamports of [1_000_000_000n, 2_000_000_000n, 500_000_000n]) assert.equal((await signSolana(s, solanaBody(from, lamports))).status, 200);
    // a denial and a failure do not count
    assert.equal((await signSolana(s, solanaBody(from, 9_000_000_000n))).status, 403);
    s.demo.sim.faults.failNext(1, 0x06);
    assert.equal((await signSolana(s, solanaBody(from, 1))).status, 503);
    const patch = await s.request('PATCH', `/admin/keys/${SOL}/policy`, { token: s.adminToken, body: { max_signs_per_minute: 7 } });
    assert.equal(patch.status, 200, patch.text);
    const before = await policyView(s, SOL);
    assert.equal(before.runtime.sign_counts.per_minute.used, 3);
    assert.equal(nativeSpend(before).spent, '3500000000');

    s = await s.restart();
    const after1 = await policyView(s, SOL);
    // the rebuilt counts and spend are the same; their windows start at the audit record's time, which is the
    // reservation's time plus the signing latency (restored windows end slightly later: never earlier)
    const timeless = (x: unknown) => JSON.parse(JSON.stringify(x, (k, v) => (k === 'resets_at' || k === 'retry_after_secs' ? undefined : v)));
    assert.deepEqual(timeless(after1.runtime.sign_counts), timeless(before.runtime.sign_counts));
    // the counter checkpoint keeps signatures in 10-second slots, each restored at its latest signature's time: the
    // signatures of one slot free together, never earlier than they would have (so what frees at the next reset can
    // be more than before the restart, never less)
    const strip = (v: any) => timeless(v.runtime.spend).map(({ frees_at_reset: _f, remaining_at_reset: _r, ...rest }: any) => rest);
    assert.deepEqual(strip(after1), strip(before));
    assert.ok(BigInt(nativeSpend(after1).frees_at_reset) >= BigInt(nativeSpend(before).frees_at_reset));
    const drift = Date.parse(nativeSpend(after1).resets_at) - Date.parse(nativeSpend(before).resets_at);
    assert.ok(drift >= 0 && drift < 2000, `resets_at moved by ${drift} ms`);
    assert.equal(after1.policy.max_signs_per_minute, 7, 'the overlay survived');
    assert.equal(after1.runtime.sign_counts.per_minute.limit, 7);

    // the kill switch applies at once, is in the state file (0600, written atomically), and survives a restart
    assert.equal((await s.request('POST', `/admin/keys/${SOL}/disable`, { token: s.adminToken })).status, 200);
    const denied = await signSolana(s, solanaBody(from, 1));
    assert.equal(denied.status, 403);
    assert.equal(denied.json.code, 'key_disabled');
    const stateFile = join(s.dir, 'state.json');
    assert.equal(statSync(stateFile).mode & 0o777, 0o600);
    const state = JSON.parse(readFileSync(stateFile, 'utf8'));
    assert.deepEqual(state.keys[SOL], { enabled: false, overlay: { max_signs_per_minute: 7 } });
    s = await s.restart();
    const view = await policyView(s, SOL);
    assert.equal(view.effective_enabled, false);
    assert.equal((await signSolana(s, solanaBody(from, 1))).json.code, 'key_disabled');
    assert.equal((await s.request('POST', `/admin/keys/${SOL}/enable`, { token: s.adminToken })).status, 200);
    assert.equal((await signSolana(s, solanaBody(from, 1))).status, 200);
    assert.equal((await policyView(s, SOL)).runtime.sign_counts.per_minute.used, 4);
  });
});

// ---- a real child process: `openkms demo`, kill -9, SIGHUP ----

interface Child {
  readonly proc: ChildProcess;
  readonly url: string;
  readonly output: string[];
}

async function startChild(dir: string, port: number): Promise<Child> {
  const output: string[] = [];
  const proc = spawnCli(['demo', '--dir', dir, '--listen', `127.0.0.1:${port}`]);
  proc.stdout!.on('data', (d) => output.push(String(d)));
  proc.stderr!.on('data', (d) => output.push(String(d)));
  const url = `http://127.0.0.1:${port}`;
  const until = Date.now() + 30_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`demo exited ${proc.exitCode}: ${output.join('')}`);
    const ok = await fetch(url + '/health')
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) return { proc, url, output };
    if (Date.now() > until) {
      proc.kill('SIGKILL');
      throw new Error(`demo did not start: ${output.join('')}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function call(c: Child, token: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(c.url + path, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

async function kill9(c: Child): Promise<void> {
  const exited = new Promise((r) => c.proc.once('exit', r));
  c.proc.kill('SIGKILL');
  await exited;
}

describe('a real `openkms demo` process: crash (kill -9) and SIGHUP', () => {
  const dir = mkdtempSync(join(tmpdir(), 'openkms-crash-'));
  let child: Child | undefined;
  after(async () => {
    if (child && child.proc.exitCode === null) await kill9(child);
    rmSync(dir, { recursive: true, force: true });
  });

  test('kill -9 after N signatures: the restarted process shows used = N and the spend; the kill switch persists', async () => {
    const port = await freePort();
    child = await startChild(dir, port);
    const signer = readFileSync(join(dir, 'signer.token'), 'utf8').trim();
    const admin = readFileSync(join(dir, 'admin.token'), 'utf8').trim();
    const keys = await call(child, signer, 'GET', '/keys');
    const from = keys.json.find((k: { label: string }) => k.label === SOL).address;
    const N = 4;
    for (let i = 0; i < N; i++) {
      const msg = Buffer.from(solanaTransferMessage({ from, lamports: 250_000_000n })).toString('base64');
      const res = await call(child, signer, 'POST', '/sign/solana', { label: SOL, message_b64: msg });
      assert.equal(res.status, 200, JSON.stringify(res.json));
    }
    assert.equal((await call(child, admin, 'POST', '/admin/keys/cosmos-hub-0/disable')).status, 200);
    await kill9(child);

    child = await startChild(dir, port);
    const view = await call(child, signer, 'GET', `/policy/${SOL}`);
    assert.equal(view.status, 200);
    assert.equal(view.json.runtime.sign_counts.per_minute.used, N);
    assert.equal(view.json.runtime.sign_counts.per_day.used, N);
    assert.equal(nativeSpend(view.json).spent, String(N * 250_000_000));
    assert.equal(nativeSpend(view.json).remaining, String(20_000_000_000 - N * 250_000_000));
    const cosmos = await call(child, signer, 'GET', '/policy/cosmos-hub-0');
    assert.equal(cosmos.json.effective_enabled, false, 'the kill switch survived the crash');
  });

  test('SIGHUP reloads the config file keeping counters and kill switches; an invalid file is rejected and the running config stays', async () => {
    assert.ok(child);
    const signer = readFileSync(join(dir, 'signer.token'), 'utf8').trim();
    const configFile = join(dir, 'config.toml');
    const original = readFileSync(configFile, 'utf8');
    writeFileSync(configFile, original.replace(/(\[keys\.solana-hot-0\.policy\][^[]*?)max_signs_per_minute = 30/, '$1max_signs_per_minute = 11'));
    child.proc.kill('SIGHUP');
    const view = await waitFor(async () => {
      const v = await call(child!, signer, 'GET', `/policy/${SOL}`);
      return v.json.runtime.sign_counts.per_minute.limit === 11 && v;
    }, 'the reloaded limit');
    assert.equal(view.json.runtime.sign_counts.per_minute.limit, 11, 'the new limit applies');
    assert.equal(view.json.runtime.sign_counts.per_minute.used, 4, 'counters kept');
    assert.equal((await call(child, signer, 'GET', '/policy/cosmos-hub-0')).json.effective_enabled, false, 'kill switch kept');

    writeFileSync(configFile, original.replace('per_tx_cap_lamports = "5000000000"', 'per_tx_cap_lamports = 5'));
    child.proc.kill('SIGHUP');
    const recs = await waitFor(async () => {
      const rs = await auditRecords(dir);
      return rs.filter((r) => r.action === 'reload').length >= 2 && rs;
    }, 'two reload records');
    const reloads = recs.filter((r) => r.action === 'reload');
    assert.equal(reloads.length, 2);
    assert.deepEqual(
      reloads.map((r) => [r.decision, r.token_name, (r.details as { ok: boolean }).ok]),
      [
        ['admin', 'signal', true],
        ['admin', 'signal', false],
      ],
    );
    assert.equal((reloads[1]!.details as { code: string }).code, 'config_invalid');
    const still = await call(child, signer, 'GET', `/policy/${SOL}`);
    assert.equal(still.json.runtime.sign_counts.per_minute.limit, 11, 'the running config stays');
    assert.equal(still.json.policy.per_tx_caps.native, '5000000000');
    assert.equal(child.proc.exitCode, null, 'still running');
  });
});
