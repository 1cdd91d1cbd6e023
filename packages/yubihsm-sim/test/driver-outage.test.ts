import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isOpenKmsError, type OpenKmsError } from '@openkms/core';
import { createHttpTransport, createYubiHsmBackend, passwordToAuthKey, YubiHsmPool, type YubiHsmBackend } from '@openkms/yubihsm';
import { provisionSigner, startHarness, waitFor } from './driver-harness.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The driver's defaults (reconnect backoff, on-demand probing, health): only the connector and credentials set. */
function defaultBackend(url: string, extra: Partial<Parameters<typeof createYubiHsmBackend>[0]> = {}): YubiHsmBackend {
  return createYubiHsmBackend({ connectors: [{ url, name: 'hsm0' }], authKeyId: 3, password: 'signer-password', keepaliveMs: 0, ...extra });
}

async function signError(backend: YubiHsmBackend): Promise<OpenKmsError> {
  try {
    await backend.signEd25519({ id: '0x0064' }, Uint8Array.of(1));
  } catch (err) {
    assert.ok(isOpenKmsError(err), String(err));
    return err;
  }
  throw new Error('the call was expected to fail');
}

test('after a long connector outage, the first call once it is back signs (no waiting out a long backoff)', async () => {
  const h = await startHarness();
  const backend = defaultBackend(h.url);
  try {
    await provisionSigner(h.client);
    await backend.listKeys();
    await h.stopServer();
    // ~6 s of outage with calls failing meanwhile (the old 30 s backoff cap had grown to 8 s by then)
    const until = Date.now() + 6000;
    while (Date.now() < until) {
      assert.equal((await signError(backend)).code, 'backend_unavailable');
      await sleep(200);
    }
    await h.restart();
    await sleep(600); // longer than the on-demand probe interval (500 ms), far shorter than any backoff step
    assert.equal((await backend.signEd25519({ id: '0x0064' }, Uint8Array.of(2))).length, 64);
  } finally {
    await backend.close();
    await h.close();
  }
});

test('Retry-After is honest: a refusal says when a call will be tried again, and a call then is tried', async () => {
  const h = await startHarness();
  const backend = defaultBackend(h.url);
  try {
    await provisionSigner(h.client);
    await backend.listKeys();
    await h.stopServer();
    for (let round = 0; round < 6; round++) {
      // the first call finds the connector gone; an immediate second one is refused without trying
      await signError(backend);
      const refused = await signError(backend);
      assert.equal(refused.code, 'backend_unavailable');
      const retry = refused.context.retry_after_secs as number;
      assert.ok(Number.isInteger(retry) && retry >= 1 && retry <= 2, `retry_after_secs ${retry}`);
      await sleep(retry * 1000);
      // after that many seconds the call reaches the connector (a transport failure, not "refused: device down")
      const tried = await signError(backend);
      assert.equal(tried.context.reason, 'unavailable', JSON.stringify(tried.context));
    }
  } finally {
    await backend.close();
    await h.close();
  }
});

test('health answers from the last known state within a short bound and sees a frozen device before its command times out', async () => {
  const h = await startHarness();
  const backend = defaultBackend(h.url, { commandTimeoutMs: 5000 });
  try {
    await provisionSigner(h.client);
    await backend.listKeys();
    assert.equal((await backend.health()).up, true);
    h.sim.faults.hangNext(20_000);
    let settled = false;
    const stuck = backend.signEd25519({ id: '0x0064' }, Uint8Array.of(3)).then(
      () => (settled = true),
      () => (settled = true),
    );
    let sawDown = false;
    for (let i = 0; i < 40 && !sawDown; i++) {
      const t0 = performance.now();
      const health = await backend.health();
      const ms = performance.now() - t0;
      assert.ok(ms < 1000, `health took ${Math.round(ms)} ms`);
      sawDown = !health.up;
      if (!sawDown) await sleep(100);
    }
    assert.ok(sawDown, 'health reported the frozen device as down');
    assert.equal(settled, false, 'before the stuck command itself timed out');
    h.sim.faults.release();
    await stuck;
    await waitFor(async () => (await backend.health()).up, 8000);
  } finally {
    h.sim.faults.release();
    await backend.close();
    await h.close();
  }
});

test('a health probe queued behind commands that keep finishing leaves a busy device up (only a silent one goes down)', async () => {
  // the published device timings: ~100+ ms per Ed25519 signature, one command at a time; one session, so a probe
  // queues behind every sign in flight and runs out of its 300 ms long before they are done
  const h = await startHarness({ latency: 'realistic' });
  const pool = new YubiHsmPool({
    transport: createHttpTransport({ url: h.url }),
    authKeyId: 3,
    authKey: passwordToAuthKey('signer-password'),
    keepaliveMs: 0,
    size: 1,
    commandTimeoutMs: 10_000,
    probeTimeoutMs: 300,
  });
  try {
    await provisionSigner(h.client);
    assert.equal((await pool.signEddsa(0x64, Uint8Array.of(1))).length, 64);
    const signs = Array.from({ length: 8 }, (_, i) => pool.signEddsa(0x64, Uint8Array.of(i)));
    await sleep(20);
    const t0 = performance.now();
    assert.equal(await pool.probe(), true, 'the device kept answering while the probe waited');
    assert.ok(performance.now() - t0 >= 250, 'the probe did run out of time in the queue');
    assert.equal(pool.state, 'up');
    for (const sig of await Promise.all(signs)) assert.equal(sig.length, 64);
    // a device that stops answering: the probe's deadline passes with nothing finished, and it goes down
    h.sim.faults.hangNext(5000);
    const stuck = pool.signEddsa(0x64, Uint8Array.of(9)).catch((e: unknown) => e);
    await sleep(20);
    assert.equal(await pool.probe(), false);
    assert.equal(pool.state, 'down');
    h.sim.faults.release();
    await stuck;
  } finally {
    h.sim.faults.release();
    await pool.close();
    await pool.transport.close?.();
    await h.close();
  }
});
