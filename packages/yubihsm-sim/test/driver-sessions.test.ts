import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHttpTransport, passwordToAuthKey, YubiHsmDeviceError, YubiHsmPool, YubiHsmSession, YubiHsmSessionError } from '@openkms/yubihsm';
import { manualClock } from '../src/test-host.js';
import { eventLog, startHarness, waitFor } from './driver-harness.js';

test('sessions full: the 17th CreateSession gets SESSIONS_FULL; closing one frees a slot', async () => {
  const h = await startHarness();
  try {
    const sessions = [];
    for (let i = 0; i < 16; i++) sessions.push(await h.client.openSession(1, 'password'));
    assert.deepEqual(
      sessions.map((s) => s.id),
      Array.from({ length: 16 }, (_, i) => i),
    );
    await assert.rejects(h.client.openSession(1, 'password'), (e: unknown) => e instanceof YubiHsmDeviceError && e.codeName === 'SESSIONS_FULL' && e.outer);
    await sessions[5]!.close();
    const again = await h.client.openSession(1, 'password');
    assert.equal(again.id, 5);
  } finally {
    await h.close();
  }
});

test('session expiry: the driver treats a session as expired 1 s early; the device drops it at 30 s', async () => {
  const clock = manualClock();
  const h = await startHarness({ now: clock.now });
  try {
    const s = await h.client.openSession(1, 'password');
    // a second session whose host side shares the device's manual clock
    const s2 = await YubiHsmSession.open({ transport: h.client.transport, authKeyId: 1, authKey: passwordToAuthKey('password'), now: clock.now });
    clock.advance(28_500);
    assert.equal((await s2.echo(Uint8Array.of(1))).length, 1); // still fine, and the timer restarts
    clock.advance(29_000);
    assert.ok(s2.isExpired());
    await assert.rejects(s2.echo(Uint8Array.of(1)), (e: unknown) => e instanceof YubiHsmSessionError && e.reason === 'expired');
    // `s` (host clock = real time) thinks it is fresh, but the device dropped it: INVALID_SESSION outside the envelope
    await assert.rejects(s.echo(Uint8Array.of(1)), (e: unknown) => e instanceof YubiHsmSessionError && e.reason === 'invalid_session');
  } finally {
    await h.close();
  }
});

test('pool: transparent re-authentication after the device forgets every session', async () => {
  const h = await startHarness();
  const log = eventLog();
  const pool = new YubiHsmPool({
    transport: createHttpTransport({ url: h.url }),
    authKeyId: 1,
    authKey: passwordToAuthKey('password'),
    keepaliveMs: 0,
    onEvent: log.onEvent,
  });
  try {
    const id = await pool.generateAsymmetricKey({ domains: [1], capabilities: ['sign-eddsa'], algorithm: 'ed25519' });
    const msg = Uint8Array.of(7);
    assert.equal((await pool.signEddsa(id, msg)).length, 64);
    assert.equal(log.count('session_created'), 1);
    h.sim.faults.expireSessions();
    assert.equal((await pool.signEddsa(id, msg)).length, 64); // INVALID_SESSION → fresh session → retried
    assert.equal(log.count('session_created'), 2);
    assert.ok(log.events.some((e) => e.type === 'command' && !e.ok && e.error === 'session_invalid_session'));
    // an injected outer AUTHENTICATION_FAILED is also re-authenticated once
    h.sim.faults.failNext(1, 0x04);
    const r = await pool.getPseudoRandom(8).catch((e: unknown) => e);
    // the fault may hit inside the envelope (inner error, session kept) or outside (session error, retried)
    assert.ok(r instanceof Uint8Array || (r instanceof YubiHsmDeviceError && r.codeName === 'AUTHENTICATION_FAILED'));
    assert.equal((await pool.signEddsa(id, msg)).length, 64);
  } finally {
    await pool.close();
    await pool.transport.close?.();
    await h.close();
  }
});

test('pool: keepalive Echo keeps sessions alive and pre-warms up to the pool size', async () => {
  const h = await startHarness();
  const log = eventLog();
  const pool = new YubiHsmPool({
    transport: createHttpTransport({ url: h.url }),
    authKeyId: 1,
    authKey: passwordToAuthKey('password'),
    size: 3,
    keepaliveMs: 30,
    onEvent: log.onEvent,
  });
  try {
    await pool.connect();
    await waitFor(() => pool.sessionCount === 3);
    assert.equal(h.sim.sessionCount, 3);
    await waitFor(() => log.events.some((e) => e.type === 'command' && e.command === 'echo' && e.ok));
  } finally {
    await pool.close();
    await pool.transport.close?.();
    assert.equal(h.sim.sessionCount, 0); // close() sent CloseSession for each
    await h.close();
  }
});
