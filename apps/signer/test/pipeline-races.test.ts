import { test } from 'node:test';
import assert from 'node:assert/strict';
import { auditLines } from './support/audit-files.js';
import { solanaBody } from './support/chain-fixtures.js';
import { startTestSigner } from './support/test-signer.js';
import { keysOf } from './support/trust-helpers.js';

test('a kill switch thrown while the HSM signs wins: the signature is discarded, the budget released, the refusal audited', async () => {
  const s = await startTestSigner();
  try {
    const body = solanaBody(await keysOf(s), 1000n);
    s.demo.sim.faults.hangNext(5_000);
    const pending = s.request('POST', '/sign/solana', { token: s.signerToken, body });
    await new Promise((r) => setTimeout(r, 200));
    assert.equal((await s.request('POST', '/admin/keys/solana-hot-0/disable', { token: s.adminToken })).status, 200);
    s.demo.sim.faults.release();
    const res = await pending;
    assert.equal(res.status, 403, res.text);
    assert.equal(res.json.code, 'key_disabled');
    assert.equal(res.json.signature_b64, undefined);
    const rec = auditLines(s.dir).records.find((r) => r.request_id === res.json.request_id);
    assert.equal(rec.decision, 'deny');
    assert.equal(rec.reason_code, 'key_disabled');
    assert.ok(!auditLines(s.dir).records.some((r) => r.decision === 'allow'), 'no allow record: the signature never counted');
    assert.equal((await s.request('POST', '/admin/keys/solana-hot-0/enable', { token: s.adminToken })).status, 200);
    const view = await s.request('GET', '/policy/solana-hot-0', { token: s.signerToken });
    assert.equal(view.json.runtime.sign_counts.per_minute.used, 0, 'the reservation was released');
  } finally {
    s.demo.sim.faults.release();
    await s.close();
  }
});

test('a request that gives up at its deadline keeps its backend slot until the HSM call ends; the refusal is audited', async () => {
  const s = await startTestSigner({
    config: (t) => t.replace('[server]\n', '[server]\nrequest_timeout_ms = 300\nmax_in_flight_per_backend = 1\n'),
  });
  try {
    const first = solanaBody(await keysOf(s), 1000n);
    const second = solanaBody(await keysOf(s), 2000n);
    s.demo.sim.faults.hangNext(3_000);
    const late = await s.request('POST', '/sign/solana', { token: s.signerToken, body: first });
    assert.equal(late.status, 503, late.text);
    assert.equal(late.json.code, 'deadline_exceeded');
    // the HSM is still busy with the first request: the single backend slot is still taken
    const shed = await s.request('POST', '/sign/solana', { token: s.signerToken, body: second });
    assert.equal(shed.status, 503, shed.text);
    assert.equal(shed.json.code, 'overloaded');
    s.demo.sim.faults.release();
    await new Promise((r) => setTimeout(r, 100));
    const ok = await s.request('POST', '/sign/solana', { token: s.signerToken, body: second });
    assert.equal(ok.status, 200, ok.text);
    const rec = auditLines(s.dir).records.find((r) => r.request_id === late.json.request_id);
    assert.equal(rec.decision, 'error');
    assert.equal(rec.reason_code, 'deadline_exceeded');
  } finally {
    s.demo.sim.faults.release();
    await s.close();
  }
});
