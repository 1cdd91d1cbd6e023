import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TokenStore } from '../src/auth/token-store.js';
import { join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { cosmosSendSignDoc } from './support/chain-fixtures.js';
import { startTestSigner, type TestSigner } from './support/test-signer.js';
import { auditLines, keysOf, solanaBody, waitFor, type KeyInfo } from './support/trust-helpers.js';

/** A Cosmos MsgSend of `n` coins (distinct denoms) plus uatom over the demo's per-tx cap: denied, and large. */
function manyCoinsBody(key: KeyInfo, n: number): { label: string; sign_doc_b64: string; expected_chain_id: string } {
  const amounts = [{ denom: 'uatom', amount: '20000000' }];
  for (let i = 0; i < n; i++) amounts.push({ denom: `d${i.toString(36).padStart(3, '0')}`, amount: '1' });
  const doc = cosmosSendSignDoc({ publicKey: Buffer.from(key.public_key_b64, 'base64'), from: key.address, amounts, memo: String(Math.random()) });
  return { label: 'cosmos-hub-0', sign_doc_b64: Buffer.from(doc).toString('base64'), expected_chain_id: 'cosmoshub-4' };
}

/** Waits, if needed, so the next `secs` seconds stay inside one UTC minute (the denial budget's window). */
async function awayFromMinuteEdge(secs: number): Promise<void> {
  const into = Date.now() % 60_000;
  if (into > 60_000 - secs * 1000) await new Promise((r) => setTimeout(r, 60_000 - into + 50));
}

describe('audit amplification: a large request gives a small record', () => {
  let s: TestSigner;
  let keys: Record<string, KeyInfo>;
  before(async () => {
    s = await startTestSigner();
    keys = await keysOf(s);
  });
  after(async () => {
    await s.close();
  });

  test('a ~50 KB request with 3 200 coins is denied with a record of a few KB: counts, first 16, totals, SHA-256', async () => {
    const body = manyCoinsBody(keys['cosmos-hub-0']!, 3200);
    const requestBytes = JSON.stringify(body).length;
    assert.ok(requestBytes > 40_000, `request is ${requestBytes} bytes`);
    const res = await s.request('POST', '/sign/cosmos', { token: s.signerToken, body });
    assert.equal(res.status, 403, res.text);
    const line = await waitFor(() => auditLines(s.dir).lines.find((l) => JSON.parse(l).request_id === res.json.request_id), 'the deny record');
    const rec = JSON.parse(line);
    assert.equal(rec.decision, 'deny');
    assert.ok(line.length < 16_000, `record is ${line.length} bytes for a ${requestBytes}-byte request`);
    assert.equal(rec.intent.counts.transfers, 3201);
    assert.equal(rec.intent.transfers.length, 16);
    assert.equal(rec.intent.totals.length, 16);
    assert.equal(rec.intent.totals_complete, false);
    assert.deepEqual(rec.intent.totals[0], { asset: 'denom:uatom', amount: '20000000' });
    assert.match(rec.intent.sha256, /^[0-9a-f]{64}$/);
    // the same request explained: the hash in the record is the hash of the full intent the explain shows
    const { createHash } = await import('node:crypto');
    const { canonicalJson } = await import('@openkms/audit');
    const explained = await s.request('POST', '/policy/cosmos-hub-0/explain', { token: s.signerToken, body });
    assert.equal(explained.status, 200, explained.text);
    assert.equal(createHash('sha256').update(canonicalJson(explained.json.intent)).digest('hex'), rec.intent.sha256);
  });

  test('an allowed signature keeps every per-asset total (restore needs it) and still a small record', async () => {
    const res = await s.request('POST', '/sign/solana', { token: s.signerToken, body: solanaBody(keys, 1234) });
    assert.equal(res.status, 200, res.text);
    const rec = auditLines(s.dir).records.find((r) => r.decision === 'allow' && r.label === 'solana-hot-0');
    assert.deepEqual(rec.intent.totals, [{ asset: 'native', amount: '1234' }]);
    assert.equal(rec.intent.totals_complete, undefined);
    assert.equal(rec.intent.counts.transfers, 1);
  });
});

describe('denial budget: refused requests per token and minute (auth.denied_per_minute)', () => {
  let s: TestSigner;
  let keys: Record<string, KeyInfo>;
  const tok: Record<string, string> = {};
  before(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'openkms-denial-budget-'));
    s = await startTestSigner({
      dir,
      config: (toml) => {
        tok.other = TokenStore.load(join(dir, 'tokens.json')).create('other-agent', ['sign']);
        return toml.replace('token_file = "tokens.json"', 'token_file = "tokens.json"\ndenied_per_minute = 5');
      },
    });
    keys = await keysOf(s);
  });
  after(async () => {
    await s.close();
  });

  test('past the budget: 429 denial_budget_exceeded with Retry-After, no record each, one summary record with the count', async () => {
    await awayFromMinuteEdge(20);
    const overCap = () => solanaBody(keys, 6_000_000_000n); // over the demo's per-tx cap
    for (let i = 0; i < 5; i++) {
      const res = await s.request('POST', '/sign/solana', { token: s.signerToken, body: overCap() });
      assert.equal(res.status, 403, res.text);
    }
    const denials = await waitFor(() => {
      const n = auditLines(s.dir).records.filter((r) => r.decision === 'deny' && r.token_name === 'demo-agent').length;
      return n === 5 && n;
    }, 'five deny records');
    assert.equal(denials, 5);
    for (let i = 0; i < 7; i++) {
      // a valid request of the same token is refused too: the budget is the token's, and nothing is decoded
      const res = await s.request('POST', '/sign/solana', { token: s.signerToken, body: i % 2 ? overCap() : solanaBody(keys, 1000) });
      assert.equal(res.status, 429, res.text);
      assert.equal(res.json.code, 'denial_budget_exceeded');
      const retry = Number(res.headers.get('retry-after'));
      assert.ok(retry >= 1 && retry <= 60, `Retry-After ${retry}`);
    }
    // another token is not affected
    const other = await s.request('POST', '/sign/solana', { token: tok.other, body: solanaBody(keys, 1000) });
    assert.equal(other.status, 200, other.text);
    await new Promise((r) => setTimeout(r, 100));
    const records = auditLines(s.dir).records.filter((r) => r.token_name === 'demo-agent');
    assert.equal(records.filter((r) => r.decision === 'deny').length, 5, 'refusals past the budget are not audited one by one');
    await s.close({ keepDir: true });
    const summary = auditLines(s.dir).records.filter((r) => r.reason_code === 'denial_budget_exceeded');
    assert.equal(summary.length, 1);
    assert.equal(summary[0].token_name, 'demo-agent');
    assert.equal(summary[0].details.refused, 7);
    assert.equal(summary[0].details.denials, 5);
    assert.equal(summary[0].details.denied_per_minute, 5);
    s = await s.restart();
  });
});

describe('a record that cannot fit is never a silent gap (audit_record_too_large)', () => {
  let s: TestSigner;
  let keys: Record<string, KeyInfo>;
  before(async () => {
    // a record size limit below a normal record's size, so the fallback path runs (the default is 1 MiB)
    s = await startTestSigner({ signerOptions: { auditMaxRecordBytes: 1500 } });
    keys = await keysOf(s);
  });
  after(async () => {
    await s.close();
  });

  test('an allowed signature whose record does not fit: 413, no signature, budget released, a small error record', async () => {
    const before = (await s.request('GET', '/policy/solana-hot-0', { token: s.signerToken })).json.runtime.sign_counts.per_day.used;
    const res = await s.request('POST', '/sign/solana', { token: s.signerToken, body: solanaBody(keys, 1000) });
    assert.equal(res.status, 413, res.text);
    assert.equal(res.json.code, 'audit_record_too_large');
    assert.equal(res.json.signature_b64, undefined);
    assert.equal(res.headers.get('retry-after'), null);
    const rec = auditLines(s.dir).records.find((r) => r.request_id === res.json.request_id);
    assert.ok(rec, 'the failure is audited');
    assert.equal(rec.decision, 'error');
    assert.equal(rec.reason_code, 'audit_record_too_large');
    assert.match(rec.details.intent_sha256, /^[0-9a-f]{64}$/);
    assert.ok(rec.details.audit_record_too_large.bytes > 1500);
    const after = (await s.request('GET', '/policy/solana-hot-0', { token: s.signerToken })).json.runtime.sign_counts.per_day.used;
    assert.equal(after, before, 'the reservation was released');
  });

  test('a denial whose record does not fit: the denial stands and a small deny record is written', async () => {
    const res = await s.request('POST', '/sign/solana', { token: s.signerToken, body: solanaBody(keys, 6_000_000_000n) });
    assert.equal(res.status, 403, res.text);
    assert.equal(res.json.code, 'per_tx_cap_exceeded');
    const rec = await waitFor(() => auditLines(s.dir).records.find((r) => r.request_id === res.json.request_id), 'the deny record');
    assert.equal(rec.decision, 'deny');
    assert.equal(rec.reason_code, 'per_tx_cap_exceeded');
    assert.ok(rec.details.audit_record_too_large);
  });
});
