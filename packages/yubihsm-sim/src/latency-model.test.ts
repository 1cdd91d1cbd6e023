import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { ed25519SignMs, realisticLatency } from './latency-model.js';
import { createSimulator } from './simulator.js';
import { call, cap, concat, objectHeader, openSession, u16 } from './test-host.js';

test('Ed25519 cost follows the published points and interpolates between them', () => {
  assert.equal(ed25519SignMs(0), 105);
  assert.equal(ed25519SignMs(32), 105);
  assert.equal(ed25519SignMs(64), 121);
  assert.equal(ed25519SignMs(96), 129);
  assert.equal(ed25519SignMs(1024), 353);
  assert.ok(ed25519SignMs(2048) > 353);
  const m = realisticLatency();
  assert.equal(m.costMs({ command: 0x56, payloadLength: 34, inSession: true }), 75);
  assert.equal(m.costMs({ command: 0x6a, payloadLength: 2 + 32, inSession: true }), 107);
  assert.equal(m.costMs({ command: 0x01, payloadLength: 1, inSession: false }), 2);
});

/** A virtual clock driven by the injected sleep: sleeping advances time instantly. */
function virtualTime() {
  let t = 0;
  let maxConcurrent = 0;
  let sleeping = 0;
  return {
    now: () => t,
    sleep: async (ms: number) => {
      sleeping++;
      maxConcurrent = Math.max(maxConcurrent, sleeping);
      t += ms;
      await Promise.resolve();
      sleeping--;
    },
    get maxConcurrent() {
      return maxConcurrent;
    },
  };
}

test('realistic latency runs through one device-wide queue: throughput does not grow with sessions', async () => {
  const vt = virtualTime();
  const sim = createSimulator({ latency: 'realistic', now: vt.now, sleep: vt.sleep });
  const admin = await openSession(sim);
  await call(sim, admin, 0x46, objectHeader(0x10, 'ed', 1, cap(8), 46));
  await call(sim, admin, 0x46, objectHeader(0x11, 'p', 1, cap(7), 12));
  const sessions = await Promise.all([1, 2, 3, 4].map(() => openSession(sim)));
  const start = vt.now();
  const msg = new Uint8Array(32);
  await Promise.all(
    sessions.map(async (s) => {
      for (let i = 0; i < 5; i++) await call(sim, s, 0x6a, concat(u16(0x10), msg));
    }),
  );
  const elapsed = vt.now() - start;
  assert.equal(elapsed, 20 * 107, '20 Ed25519 signatures, one at a time');
  const perSecond = 20 / (elapsed / 1000);
  assert.ok(perSecond > 9 && perSecond < 10, `≈9–10 sig/s, got ${perSecond.toFixed(2)}`);
  assert.equal(vt.maxConcurrent, 1, 'never two commands in the device at once');

  const t2 = vt.now();
  const digest = createHash('sha256').update('x').digest();
  await Promise.all(sessions.map((s) => call(sim, s, 0x56, concat(u16(0x11), digest))));
  assert.equal(vt.now() - t2, 4 * 75);
  await sim.close();
});

test('zero latency never sleeps', async () => {
  let slept = 0;
  const sim = createSimulator({ sleep: async () => void slept++ });
  const s = await openSession(sim);
  await call(sim, s, 0x01, Uint8Array.of(1));
  assert.equal(slept, 0);
  await sim.close();
});
