import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ActivityPerMinute, OTHER_LABELS } from './activity-per-minute.js';

test('activity is counted per minute and key, refusals by reason, backend latency summed; old minutes drop out', () => {
  let now = Date.parse('2026-01-01T10:00:30Z');
  const a = new ActivityPerMinute(3, () => now);
  a.recordSign('k', 'allow', 'ok');
  a.recordSign('k', 'deny', 'per_tx_cap_exceeded');
  a.recordSign('k', 'pending', 'approval_pending');
  a.recordBackendLatency('k', 0.004);
  a.recordBackendLatency('k', 0.002);
  let snap = a.snapshot();
  assert.equal(snap.length, 3);
  const last = snap[2]!;
  assert.equal(last.minute, '2026-01-01T10:00:00.000Z');
  assert.deepEqual(last.keys.k!.decisions, { allow: 1, deny: 1, pending: 1 });
  assert.deepEqual(last.keys.k!.reasons, { per_tx_cap_exceeded: 1 });
  assert.equal(last.keys.k!.backendCalls, 2);
  assert.equal(Math.round(last.keys.k!.backendMsSum), 6);
  assert.equal(Math.round(last.keys.k!.backendMsMax), 4);
  now += 3 * 60_000;
  a.recordSign('k', 'allow', 'ok');
  snap = a.snapshot();
  assert.deepEqual(
    snap.map((m) => Object.keys(m.keys).length),
    [0, 0, 1],
  );
});

test('labels past 256 in a minute are counted together', () => {
  const a = new ActivityPerMinute(1, () => 0);
  for (let i = 0; i < 300; i++) a.recordSign(`probe-${i}`, 'deny', 'unknown_label');
  const keys = a.snapshot()[0]!.keys;
  assert.equal(Object.keys(keys).length, 257);
  assert.equal(keys[OTHER_LABELS]!.decisions.deny, 44);
});
