import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CommandCode, createYubiHsmBackend } from '@openkms/yubihsm';
import type { LatencyModel } from '../src/index.js';
import { provisionSigner, startHarness } from './driver-harness.js';

const key = { id: '0x0064' };
const message = (i: number): Uint8Array => new TextEncoder().encode(`transfer #${i}`);

// A zero-latency simulator answers each frame within the event-loop turn it arrives in, so no two frames can be seen
// outstanding at the device; the pool's own count shows the parallelism there. A device that takes any time at all
// (here 2 ms per signature) shows it from its side too.
const twoMsPerSignature: LatencyModel = { costMs: (c) => (c.command === CommandCode.signEddsa ? 2 : 0) };

for (const latency of ['zero', twoMsPerSignature] as const) {
  const name = latency === 'zero' ? 'a zero-latency device' : 'a 2 ms device';
  test(`N concurrent signatures on ${name} use the pool sessions in parallel, one command per session, no per-signature session setup`, async () => {
    const h = await startHarness({ latency });
    await provisionSigner(h.client);
    const poolSize = 4;
    let maxPoolInFlight = 0;
    // sampled as each command completes (the completing command is still counted)
    const onEvent = (): void => void (maxPoolInFlight = Math.max(maxPoolInFlight, backend.pools[0]!.inFlight));
    const backend = createYubiHsmBackend({ connectors: [{ url: h.url }], authKeyId: 3, password: 'signer-password', poolSize, keepaliveMs: 0, onEvent });
    try {
      await backend.signEd25519(key, message(-1)); // the public key is fetched, the first session opened
      const before = h.sim.traffic();

      const burst = async (offset: number): Promise<void> => {
        const calls = Array.from({ length: 32 }, (_, i) => backend.signEd25519(key, message(offset + i)));
        const sigs = await Promise.all(calls);
        assert.equal(new Set(sigs.map((s) => Buffer.from(s).toString('hex'))).size, 32);
      };
      await burst(0);
      const afterFirst = h.sim.traffic();
      await burst(100);
      await burst(200);
      const after = h.sim.traffic();

      // the host kept commands outstanding on several sessions at once (a serial driver never does)...
      assert.equal(maxPoolInFlight, poolSize);
      if (latency !== 'zero') assert.ok(after.maxSessionsInFlight > 1, `sessions in flight at once at the device: ${after.maxSessionsInFlight}`);
      assert.ok(after.maxSessionsInFlight <= poolSize);
      // ...but never two commands on one session
      assert.equal(after.maxInFlightPerSession, 1);
      // sessions are opened once (up to the pool size), not per signature
      const created = afterFirst.frames.createSession - before.frames.createSession;
      assert.ok(created <= poolSize - 1, `sessions created by the first burst: ${created}`);
      assert.equal(after.frames.createSession, afterFirst.frames.createSession);
      assert.equal(after.frames.authenticateSession, afterFirst.frames.authenticateSession);
      assert.equal(after.frames.sessionMessage - afterFirst.frames.sessionMessage, 64);
      assert.equal(after.inFlight, 0);
    } finally {
      await backend.close();
      await h.close();
    }
  });
}

test('a pool of one session still sends one command at a time, in order', async () => {
  const h = await startHarness();
  await provisionSigner(h.client);
  const backend = createYubiHsmBackend({ connectors: [{ url: h.url }], authKeyId: 3, password: 'signer-password', poolSize: 1, keepaliveMs: 0 });
  try {
    await Promise.all(Array.from({ length: 16 }, (_, i) => backend.signEd25519(key, message(i))));
    const t = h.sim.traffic();
    assert.equal(t.maxInFlight, 1);
    assert.equal(t.maxInFlightPerSession, 1);
    assert.equal(t.frames.createSession, 2); // provisioning's session, then the pool's one
  } finally {
    await backend.close();
    await h.close();
  }
});
