import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { TokenStore } from '../src/auth/token-store.js';
import { AuthFailureAuditor } from '../src/runtime/auth-failure-auditor.js';
import type { AuditRecordInput } from '@openkms/audit';
import { startTestSigner, type TestResponse, type TestSigner } from './support/test-signer.js';
import { auditLines, cosmosBody, keysOf, solanaBody, waitFor, type KeyInfo } from './support/trust-helpers.js';

function assertError(res: TestResponse, status: number, code: string): void {
  assert.equal(res.status, status, res.text);
  assert.equal(res.json?.code, code, res.text);
  assert.equal(res.json.request_id, res.headers.get('x-request-id'));
}

describe('trust plane: bearer tokens and scopes over a real listening signer', () => {
  let s: TestSigner;
  let keys: Record<string, KeyInfo>;
  const tok: Record<string, string> = {};
  before(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'openkms-trust-auth-'));
    s = await startTestSigner({
      dir,
      // tokens.json exists when the config hook runs: add the tokens this suite needs, then protect /metrics
      config: (toml) => {
        const store = TokenStore.load(join(dir, 'tokens.json'));
        tok.solanaOnly = store.create('agent-solana', ['sign:solana-hot-0']);
        tok.reader = store.create('reader', ['read']);
        tok.adminOnly = store.create('admin-only', ['admin']);
        tok.signAll = store.create('sign-all', ['sign']);
        return toml.replace('token_file = "tokens.json"', 'token_file = "tokens.json"\nmetrics_require_auth = true');
      },
    });
    keys = await keysOf(s);
  });
  after(async () => {
    await s.close();
  });

  test('a token scoped to label A signs with A and gets 403 forbidden_scope for B, audited as a deny', async () => {
    const ok = await s.request('POST', '/sign/solana', { token: tok.solanaOnly, body: solanaBody(keys, 1000) });
    assert.equal(ok.status, 200, ok.text);
    const denied = await s.request('POST', '/sign/cosmos', { token: tok.solanaOnly, body: cosmosBody(keys, 10) });
    assertError(denied, 403, 'forbidden_scope');
    assert.match(denied.json.error, /agent-solana may not sign with cosmos-hub-0/);
    assert.ok(!denied.text.includes(tok.solanaOnly!));
    const rec = await waitFor(() => auditLines(s.dir).records.find((r) => r.request_id === denied.json.request_id), 'the deny record');
    assert.equal(rec.decision, 'deny');
    assert.equal(rec.reason_code, 'forbidden_scope');
    assert.equal(rec.token_name, 'agent-solana');
    assert.equal(rec.label, 'cosmos-hub-0');
    assert.equal(rec.chain, 'cosmos');
    // `sign` without a label signs everything
    assert.equal((await s.request('POST', '/sign/cosmos', { token: tok.signAll, body: cosmosBody(keys, 10) })).status, 200);
  });

  test('read scope reads keys and policy but cannot sign or administer', async () => {
    const list = await s.request('GET', '/keys', { token: tok.reader });
    assert.equal(list.status, 200);
    assert.deepEqual(list.json.map((k: KeyInfo) => k.label).sort(), ['cosmos-hub-0', 'evm-hot-0', 'solana-hot-0']);
    assert.equal((await s.request('GET', '/policy', { token: tok.reader })).status, 200);
    assert.equal((await s.request('GET', '/policy/cosmos-hub-0', { token: tok.reader })).status, 200);
    assertError(await s.request('POST', '/sign/solana', { token: tok.reader, body: solanaBody(keys, 1) }), 403, 'forbidden_scope');
    assertError(await s.request('POST', '/admin/disable', { token: tok.reader }), 403, 'forbidden_scope');
  });

  test('a sign-scoped token reads only the labels it may sign; admin needs admin scope', async () => {
    const list = await s.request('GET', '/keys', { token: tok.solanaOnly });
    assert.equal(list.status, 200);
    assert.deepEqual(
      list.json.map((k: KeyInfo) => k.label),
      ['solana-hot-0'],
    );
    const policies = await s.request('GET', '/policy', { token: tok.solanaOnly });
    assert.deepEqual(
      policies.json.map((p: { label: string }) => p.label),
      ['solana-hot-0'],
    );
    assertError(await s.request('GET', '/policy/cosmos-hub-0', { token: tok.solanaOnly }), 403, 'forbidden_scope');
    const disable = await s.request('POST', '/admin/disable', { token: s.signerToken });
    assertError(disable, 403, 'forbidden_scope');
    const rec = await waitFor(() => auditLines(s.dir).records.find((r) => r.request_id === disable.json.request_id), 'the refused admin attempt');
    assert.equal(rec.decision, 'deny');
    assert.equal(rec.token_name, 'demo-agent');
    assert.equal(rec.details.route, '/admin/disable');
    // an admin-only token may administer (and read), but not sign
    assert.equal((await s.request('GET', '/admin/keys/solana-hot-0/policy', { token: tok.adminOnly })).status, 200);
    assert.equal((await s.request('GET', '/keys', { token: tok.adminOnly })).status, 200);
    assertError(await s.request('POST', '/sign/solana', { token: tok.adminOnly, body: solanaBody(keys, 1) }), 403, 'forbidden_scope');
  });

  test('/health is public and minimal; /metrics needs read (or sign) scope when metrics_require_auth is set', async () => {
    const health = await s.request('GET', '/health');
    assert.equal(health.status, 200);
    assert.deepEqual(Object.keys(health.json).sort(), ['audit_up', 'hsm_up', 'simulated', 'status']);
    assertError(await s.request('GET', '/metrics'), 401, 'unauthorized');
    assertError(await s.request('GET', '/metrics', { token: tok.adminOnly + 'x' }), 401, 'unauthorized');
    const metrics = await s.request('GET', '/metrics', { token: tok.reader });
    assert.equal(metrics.status, 200);
    assert.match(metrics.text, /^# HELP /m);
    assert.equal((await s.request('GET', '/metrics', { token: tok.solanaOnly })).status, 200);
  });

  test('empty, malformed or unknown Authorization → 401 unauthorized with a JSON body, never a hint of the token', async () => {
    const cases: Record<string, string>[] = [
      {},
      { authorization: '' },
      { authorization: 'Bearer' },
      { authorization: 'Bearer ' },
      { authorization: 'Basic ZGVtbzpkZW1v' },
      { authorization: `Bearer ${s.signerToken} extra` },
      { authorization: `Token ${s.signerToken}` },
      { authorization: 'Bearer okms_not-a-real-token' },
      { authorization: `Bearer ${s.signerToken}x` },
    ];
    for (const headers of cases) {
      const res = await s.request('GET', '/keys', { headers });
      assertError(res, 401, 'unauthorized');
      assert.ok(!res.text.includes(s.signerToken), 'a 401 never echoes the token');
    }
    assertError(await s.request('POST', '/sign/solana', { headers: { authorization: 'Bearer nope' }, body: solanaBody(keys, 1) }), 401, 'unauthorized');
  });

  test('repeated auth failures are audited, rate-limited per client address, without the presented token', async () => {
    for (let i = 0; i < 20; i++) assert.equal((await s.request('GET', '/policy', { token: `okms_guess${i}` })).status, 401);
    const failures = await waitFor(() => {
      const found = auditLines(s.dir).records.filter((r) => r.decision === 'auth_failure');
      return found.length > 0 && found;
    }, 'an auth_failure record');
    // every failure of this suite came from 127.0.0.1 within the 10 s interval: one record stands for all of them
    assert.equal(failures.length, 1, JSON.stringify(failures));
    assert.equal(failures[0].reason_code, 'unauthorized');
    assert.equal(failures[0].details.remote.replace('::ffff:', ''), '127.0.0.1');
    assert.equal(failures[0].token_name, undefined);
    const log = auditLines(s.dir).lines.join('\n');
    assert.ok(!log.includes('okms_guess') && !log.includes('okms_not-a-real-token'), 'presented tokens are never audited');
  });

  test('the token file holds names, scopes and SHA-256 hashes only, mode 0600', () => {
    assert.equal(statSync(join(s.dir, 'tokens.json')).mode & 0o777, 0o600);
    const file = readFileSync(join(s.dir, 'tokens.json'), 'utf8');
    for (const t of [...Object.values(tok), s.signerToken, s.adminToken]) assert.ok(!file.includes(t), 'no plaintext token in the store');
    const parsed = JSON.parse(file) as { tokens: { name: string; sha256: string }[] };
    assert.ok(parsed.tokens.every((t) => /^[0-9a-f]{64}$/.test(t.sha256)));
    assert.deepEqual(parsed.tokens.map((t) => t.name).sort(), ['admin-only', 'agent-solana', 'demo-admin', 'demo-agent', 'reader', 'sign-all']);
  });
});

test('AuthFailureAuditor: one record per client per interval, the next one counts the failures it stands for', async () => {
  const written: AuditRecordInput[] = [];
  let now = 1_000_000;
  const auditor = new AuditFailureSink(written);
  const a = new AuthFailureAuditor(auditor, 10_000, () => now);
  const fail = (remote: string, reason = 'unknown_token') => a.report({ requestId: `r${now}`, reason, route: '/keys', remote });
  for (let i = 0; i < 50; i++) fail('10.0.0.1');
  fail('10.0.0.2', 'missing');
  assert.equal(written.length, 2);
  assert.deepEqual(
    written.map((r) => (r.details as { failures: number }).failures),
    [1, 1],
  );
  now += 9_999;
  fail('10.0.0.1');
  assert.equal(written.length, 2, 'still inside the interval');
  now += 1;
  fail('10.0.0.1');
  assert.equal(written.length, 3);
  assert.equal((written[2]!.details as { failures: number }).failures, 51, '49 + 1 suppressed inside the interval, plus this one');
  assert.equal(written[2]!.decision, 'auth_failure');
});

class AuditFailureSink {
  constructor(private readonly out: AuditRecordInput[]) {}
  async append(record: AuditRecordInput): Promise<unknown> {
    this.out.push(record);
    return record;
  }
}
