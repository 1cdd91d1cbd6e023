import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TokenStore } from '../src/auth/token-store.js';
import { startTestSigner, type TestSigner } from './support/test-signer.js';
import { SOL, keyAddress, signSolana, solanaBody, withPolicy } from './support/policy-fixtures.js';

const SYSTEM = '11111111111111111111111111111111';
const SOL_1 = 1_000_000_000n;

describe('the console API: GET /admin/audit, /admin/activity, /whoami and /ui', () => {
  let s: TestSigner;
  let payer: string;
  let readToken: string;

  before(async () => {
    s = await startTestSigner({
      config: withPolicy(
        SOL,
        `allowed_programs = [{ id = "${SYSTEM}" }]\nper_tx_caps = { native = "${5n * SOL_1}" }\nwindow_caps = { native = "${20n * SOL_1}" }\n`,
      ),
    });
    readToken = TokenStore.load(join(s.dir, 'tokens.json')).create('auditor', ['read']);
    payer = await keyAddress(s, SOL);
    for (let i = 0; i < 3; i++) assert.equal((await signSolana(s, solanaBody(payer, 1n * SOL_1))).status, 200);
    assert.equal((await signSolana(s, solanaBody(payer, 6n * SOL_1))).json.code, 'per_tx_cap_exceeded');
  });
  after(async () => {
    delete process.env.OPENKMS_CONSOLE_DIR;
    await s.close();
  });

  test('a page of the audit log, newest first, filtered, paged by next_before, verified', async () => {
    const all = await s.request('GET', '/admin/audit', { token: readToken });
    assert.equal(all.status, 200, all.text);
    const seqs = all.json.records.map((r: { seq: number }) => r.seq);
    assert.deepEqual(
      seqs,
      [...seqs].sort((a: number, b: number) => b - a),
    );
    assert.equal(all.json.verification.ok, true);
    assert.equal(all.json.verification.macs_checked, seqs.length);
    assert.equal(all.json.next_before, null);
    assert.equal(all.json.audit_up, true);

    const denied = await s.request('GET', `/admin/audit?label=${SOL}&decision=deny&code=per_tx_cap_exceeded`, { token: readToken });
    assert.equal(denied.json.records.length, 1);
    assert.equal(denied.json.records[0].reason_code, 'per_tx_cap_exceeded');

    const allows = await s.request('GET', '/admin/audit?decision=allow&limit=2', { token: s.adminToken });
    assert.equal(allows.json.records.length, 2);
    const older = await s.request('GET', `/admin/audit?decision=allow&limit=2&before=${allows.json.next_before}`, { token: s.adminToken });
    assert.equal(older.json.records.length, 1);
    assert.ok(older.json.records[0].seq < allows.json.records[1].seq);

    const until = await s.request('GET', `/admin/audit?until=${encodeURIComponent('2000-01-01T00:00:00Z')}`, { token: s.adminToken });
    assert.deepEqual(until.json.records, []);

    for (const bad of ['limit=201', 'limit=x', 'decision=maybe', 'label=%3Cscript%3E', 'code=A-B', 'before=0', 'until=yesterday', 'label=a&label=b']) {
      const res = await s.request('GET', `/admin/audit?${bad}`, { token: s.adminToken });
      assert.equal(res.status, 400, bad);
      assert.equal(res.json.code, 'invalid_request', bad);
    }
  });

  test('polling with ETags: 304 until something changes', async () => {
    const first = await s.request('GET', '/admin/audit?decision=allow', { token: readToken });
    const etag = first.headers.get('etag')!;
    assert.match(etag, /^W\/"/);
    const same = await s.request('GET', '/admin/audit?decision=allow', { token: readToken, headers: { 'if-none-match': etag } });
    assert.equal(same.status, 304);
    assert.equal(same.text, '');
    assert.equal((await signSolana(s, solanaBody(payer, 1n * SOL_1))).status, 200);
    const changed = await s.request('GET', '/admin/audit?decision=allow', { token: readToken, headers: { 'if-none-match': etag } });
    assert.equal(changed.status, 200);
    assert.notEqual(changed.headers.get('etag'), etag);
  });

  test('activity per minute counts signatures, refusals by code and HSM latency', async () => {
    const res = await s.request('GET', '/admin/activity', { token: readToken });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.window_minutes, 60);
    const k = res.json.minutes.map((m: { keys: Record<string, any> }) => m.keys[SOL]).filter(Boolean);
    const sum = (f: (x: any) => number) => k.reduce((a: number, x: any) => a + f(x), 0);
    assert.equal(
      sum((x) => x.decisions.allow ?? 0),
      4,
    );
    assert.equal(
      sum((x) => x.reasons.per_tx_cap_exceeded ?? 0),
      1,
    );
    assert.equal(
      sum((x) => x.backend_calls),
      4,
    );
    const again = await s.request('GET', '/admin/activity', { token: readToken, headers: { 'if-none-match': res.headers.get('etag')! } });
    assert.equal(again.status, 304);
  });

  test('a tampered record shows up in the page verification', async () => {
    const file = join(s.dir, 'audit', 'audit.jsonl');
    const text = readFileSync(file, 'utf8');
    const lines = text.split('\n');
    const i = lines.findIndex((l) => l.includes('"per_tx_cap_exceeded"'));
    lines[i] = lines[i]!.replace('"per_tx_cap_exceeded"', '"per_tx_cap_exceedeX"');
    writeFileSync(file, lines.join('\n'));
    try {
      const res = await s.request('GET', '/admin/audit?limit=200', { token: readToken });
      assert.equal(res.json.verification.ok, false);
      assert.equal(res.json.verification.problem.reason, 'bad_mac');
    } finally {
      writeFileSync(file, text);
    }
  });

  test('/whoami names the token and its scopes', async () => {
    assert.deepEqual((await s.request('GET', '/whoami', { token: readToken })).json, { token_name: 'auditor', scopes: ['read'] });
  });

  test('/ui: the page and its files with a strict CSP; a clear 404 when the console is not built', async () => {
    const page = await s.request('GET', '/ui');
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'self'.*script-src 'self'.*style-src 'self'/);
    assert.equal(page.headers.get('x-frame-options'), 'DENY');
    const script = /src="(\/ui\/assets\/[^"]+\.js)"/.exec(page.text)?.[1];
    assert.ok(script, 'the page loads its script from /ui/assets');
    const js = await s.request('GET', script);
    assert.equal(js.status, 200);
    assert.match(js.headers.get('content-type') ?? '', /javascript/);
    assert.match(js.headers.get('content-security-policy') ?? '', /default-src 'self'/);
    assert.equal((await s.request('GET', '/ui/assets/nope.js')).status, 404);
    assert.equal((await s.request('GET', '/ui/assets/../../package.json')).status, 404);
    assert.equal((await s.request('POST', '/ui')).status, 405);

    const empty = mkdtempSync(join(tmpdir(), 'openkms-console-'));
    process.env.OPENKMS_CONSOLE_DIR = empty;
    try {
      const missing = await s.request('GET', '/ui');
      assert.equal(missing.status, 404);
      assert.equal(missing.json.code, 'not_found');
      assert.match(missing.json.error, /console is not built: run `pnpm build`/);
      assert.equal((await s.request('GET', script)).status, 404);
      assert.equal((await s.request('GET', '/health')).status, 200);
    } finally {
      delete process.env.OPENKMS_CONSOLE_DIR;
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
