import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { FileHandle } from 'node:fs/promises';
import { startTestSigner, type TestSigner } from './support/test-signer.js';
import { auditLines, cosmosBody, keysOf, solanaBody, waitFor, type KeyInfo } from './support/trust-helpers.js';

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('trust plane: one audit record per decision, with the facts of the decision', () => {
  let s: TestSigner;
  let keys: Record<string, KeyInfo>;
  const byRequest = (id: string) => waitFor(() => auditLines(s.dir).records.find((r) => r.request_id === id), `the audit record of ${id}`);
  before(async () => {
    s = await startTestSigner();
    keys = await keysOf(s);
  });
  after(async () => {
    await s.close();
  });

  test('allow: time, request id, token name, label, chain, network, intent, digests of bytes and signature, policy version, device and key', async () => {
    const body = solanaBody(keys, 1_500_000, { expected_chain_id: 'mainnet-beta' });
    const res = await s.request('POST', '/sign/solana', { token: s.signerToken, body, headers: { 'x-request-id': 'trust-audit-allow-1' } });
    assert.equal(res.status, 200, res.text);
    const r = await byRequest('trust-audit-allow-1');
    assert.equal(r.decision, 'allow');
    assert.ok(Math.abs(Date.parse(r.time) - Date.now()) < 60_000);
    assert.equal(r.token_name, 'demo-agent');
    assert.equal(r.label, 'solana-hot-0');
    assert.equal(r.chain, 'solana');
    assert.equal(r.network, 'mainnet-beta');
    assert.equal(r.signed_sha256, sha256(Buffer.from(body.message_b64, 'base64')), 'sha256 of the exact signed bytes');
    assert.equal(r.signature_sha256, sha256(Buffer.from(res.json.signature_b64, 'base64')), 'sha256 of the returned signature');
    const policy = await s.request('GET', '/policy/solana-hot-0', { token: s.signerToken });
    assert.equal(r.policy_version, policy.json.policy_version);
    assert.match(String(r.policy_version), /^[0-9a-f]{16,}$/);
    assert.equal(r.hsm_device, String(s.demo.sim.serial), 'the serial of the device that signed');
    assert.equal(Number(r.key_id), 0x101);
    assert.equal(typeof r.latency_ms, 'number');
    assert.ok(r.intent && typeof r.intent === 'object', 'an intent summary');
    assert.match(JSON.stringify(r.intent), /1500000/);
    assert.match(r.mac, /^[0-9a-f]{64}$/);
    assert.ok(!JSON.stringify(r).includes(s.signerToken));
  });

  test('deny: reason code and message; no signature digest', async () => {
    const res = await s.request('POST', '/sign/solana', { token: s.signerToken, body: solanaBody(keys, 9_000_000_000n) });
    assert.equal(res.status, 403);
    const r = await byRequest(res.json.request_id);
    assert.equal(r.decision, 'deny');
    assert.equal(r.reason_code, 'per_tx_cap_exceeded');
    assert.match(r.reason, /cap=5000000000/);
    assert.equal(r.signature_sha256, undefined);
    assert.ok(r.policy_version);
  });

  test('replay: the same bytes again are audited as replay with the same signature digest', async () => {
    const body = cosmosBody(keys, 1000, 7);
    const first = await s.request('POST', '/sign/cosmos', { token: s.signerToken, body });
    const again = await s.request('POST', '/sign/cosmos', { token: s.signerToken, body });
    assert.equal(first.status, 200, first.text);
    assert.equal(again.status, 200, again.text);
    const [a, b] = [await byRequest(first.json?.request_id ?? first.headers.get('x-request-id')), await byRequest(again.headers.get('x-request-id')!)];
    assert.equal(a.decision, 'allow');
    assert.equal(b.decision, 'replay');
    assert.equal(b.signature_sha256, a.signature_sha256);
    assert.equal(b.signed_sha256, a.signed_sha256);
  });

  test('error: an HSM fault is audited as error with the backend code, and no signature leaves', async () => {
    s.demo.sim.faults.failNext(1, 0x06);
    const res = await s.request('POST', '/sign/solana', { token: s.signerToken, body: solanaBody(keys, 1000) });
    assert.equal(res.status, 503, res.text);
    assert.match(res.json.code, /^backend_/);
    assert.equal(res.json.signature_b64, undefined);
    const r = await byRequest(res.json.request_id);
    assert.equal(r.decision, 'error');
    assert.equal(r.reason_code, res.json.code);
    assert.equal(r.signature_sha256, undefined);
  });

  test('every admin action is audited with the admin token name: kill switches, overlay, reload', async () => {
    const calls: [string, string, unknown?][] = [
      ['POST', '/admin/keys/solana-hot-0/disable'],
      ['POST', '/admin/keys/solana-hot-0/enable'],
      ['POST', '/admin/disable'],
      ['POST', '/admin/enable'],
      ['PATCH', '/admin/keys/cosmos-hub-0/policy', { max_signs_per_minute: 5 }],
      ['DELETE', '/admin/keys/cosmos-hub-0/policy'],
      ['POST', '/admin/reload'],
    ];
    const actions: string[] = [];
    for (const [method, path, body] of calls) {
      const res = await s.request(method, path, { token: s.adminToken, ...(body ? { body } : {}) });
      assert.equal(res.status, 200, `${method} ${path}: ${res.text}`);
      const r = await byRequest(res.headers.get('x-request-id')!);
      assert.equal(r.decision, 'admin');
      assert.equal(r.token_name, 'demo-admin');
      actions.push(r.action);
    }
    assert.deepEqual(actions, ['key_disable', 'key_enable', 'global_disable', 'global_enable', 'policy_overlay_patch', 'policy_overlay_clear', 'reload']);
  });

  test('the log is append-only JSONL: sequence numbers are consecutive and each record links to the previous MAC', () => {
    const { records } = auditLines(s.dir);
    assert.ok(records.length >= 12);
    records.forEach((r, i) => {
      assert.equal(r.seq, i + 1);
      if (i > 0) assert.equal(r.prev_mac, records[i - 1].mac);
    });
  });
});

describe('trust plane: durable before delivery', () => {
  test("the signature leaves only after its allow record is fsync'ed (the response waits for the fsync)", async () => {
    let gate: Promise<void> | undefined;
    let openGate = () => {};
    let entered: () => void = () => {};
    let synced = 0;
    const s = await startTestSigner({
      signerOptions: {
        auditIo: {
          async sync(fh: FileHandle) {
            if (gate) {
              entered();
              await gate;
            }
            await fh.datasync();
            synced++;
          },
        },
      },
    });
    try {
      const keys = await keysOf(s);
      const inSync = new Promise<void>((r) => (entered = r));
      gate = new Promise<void>((r) => (openGate = r));
      let answered = false;
      const pending = s.request('POST', '/sign/solana', { token: s.signerToken, body: solanaBody(keys, 1000) }).then((res) => {
        answered = true;
        return res;
      });
      await inSync;
      // the allow record is written and waits for its fsync: the client has nothing yet
      const rec = await waitFor(() => auditLines(s.dir).records.find((r) => r.decision === 'allow'), 'the written allow record');
      await new Promise((r) => setTimeout(r, 150));
      assert.equal(answered, false, 'no response before the fsync completes');
      const before = synced;
      gate = undefined;
      openGate();
      const res = await pending;
      assert.equal(res.status, 200, res.text);
      assert.ok(synced > before);
      assert.equal(rec.signature_sha256, sha256(Buffer.from(res.json.signature_b64, 'base64')));
    } finally {
      openGate();
      await s.close();
    }
  });

  test('if the audit write fails, no signature is returned (503 audit_write_failed), and signing stays closed', async () => {
    let failSync = false;
    const s = await startTestSigner({
      signerOptions: {
        auditIo: {
          async sync(fh: FileHandle) {
            if (failSync) throw Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' });
            await fh.datasync();
          },
        },
      },
    });
    try {
      const keys = await keysOf(s);
      failSync = true;
      const res = await s.request('POST', '/sign/solana', { token: s.signerToken, body: solanaBody(keys, 1000) });
      assert.equal(res.status, 503, res.text);
      assert.equal(res.json.code, 'audit_write_failed');
      assert.ok(res.headers.get('retry-after'));
      assert.ok(!/signature/.test(Object.keys(res.json).join(',')), 'no signature field in the body');
      failSync = false;
      const after = await s.request('POST', '/sign/cosmos', { token: s.signerToken, body: cosmosBody(keys, 10) });
      assert.equal(after.status, 503, 'a failed audit log keeps signing closed until restart');
      assert.equal(after.json.code, 'audit_write_failed');
      const log = s.logs.map((l) => JSON.parse(l)).filter((l) => l.msg === 'request' && l.status === 503);
      assert.ok(log.some((l) => l.code === 'audit_write_failed'));
      assert.ok(
        log.some((l) => l.level === 50 && typeof l.detail === 'string'),
        'the detail goes to the log at error level',
      );
      assert.ok(!JSON.stringify(res.json).includes(s.dir), 'the client is not told server paths');
      const health = await s.request('GET', '/health');
      assert.equal(health.status, 503, 'a failed audit log shows in /health');
      assert.deepEqual(health.json, { status: 'degraded', hsm_up: true, audit_up: false, simulated: true });
    } finally {
      await s.close();
    }
  });
});

test('the audit log file is 0600 and never holds a token', async () => {
  const s = await startTestSigner();
  try {
    const keys = await keysOf(s);
    assert.equal((await s.request('POST', '/sign/solana', { token: s.signerToken, body: solanaBody(keys, 1) })).status, 200);
    const { statSync } = await import('node:fs');
    assert.equal(statSync(join(s.dir, 'audit', 'audit.jsonl')).mode & 0o777, 0o600);
    const text = auditLines(s.dir).lines.join('\n');
    assert.ok(!text.includes(s.signerToken) && !text.includes(s.adminToken));
  } finally {
    await s.close();
  }
});
