import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { auditLines } from './support/audit-files.js';
import { startTestSigner } from './support/test-signer.js';

test('a runtime state file that cannot be written → 503 state_write_failed (never a bare 500); the disable still holds', async () => {
  const s = await startTestSigner({ config: (toml) => toml.replace('file = "state.json"', 'file = "state/state.json"') });
  try {
    rmSync(join(s.dir, 'state'), { recursive: true, force: true });
    const res = await s.request('POST', '/admin/keys/solana-hot-0/disable', { token: s.adminToken });
    assert.equal(res.status, 503, res.text);
    assert.equal(res.json.code, 'state_write_failed');
    assert.ok(res.headers.get('retry-after'));
    const view = await s.request('GET', '/policy/solana-hot-0', { token: s.signerToken });
    assert.equal(view.json.effective_enabled, false, 'the disable applies in memory even though it is not durable');
    mkdirSync(join(s.dir, 'state'));
  } finally {
    await s.close();
  }
});

test('a failed admin change is audited with its outcome (ok: false and the code)', async () => {
  const s = await startTestSigner({ config: (toml) => toml.replace('file = "state.json"', 'file = "state/state.json"') });
  try {
    rmSync(join(s.dir, 'state'), { recursive: true, force: true });
    const res = await s.request('POST', '/admin/disable', { token: s.adminToken });
    assert.equal(res.status, 503);
    const { records } = auditLines(s.dir);
    const rec = records.find((r) => r.request_id === res.json.request_id);
    assert.equal(rec?.decision, 'admin');
    assert.equal(rec?.action, 'global_disable');
    assert.deepEqual(rec?.details, { enabled: false, ok: false, code: 'state_write_failed' });
    const bad = await s.request('PATCH', '/admin/keys/solana-hot-0/policy', { token: s.adminToken, body: { per_tx_caps: { native: 5 } } });
    assert.equal(bad.status, 400);
  } finally {
    await s.close();
  }
});
