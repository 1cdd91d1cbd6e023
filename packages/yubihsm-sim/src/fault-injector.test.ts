import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeFrame } from '@openkms/yubihsm';
import { isOpenKmsError } from '@openkms/core';
import { startConnectorServer } from './connector-server.js';
import { createSimulator } from './simulator.js';
import { call, hex, openSession, send, toHex } from './test-host.js';

test('failNext: plain error outside a session, inside the envelope for SessionMessage', async () => {
  const sim = createSimulator();
  const s = await openSession(sim);
  sim.faults.failNext(2, 0x06);
  assert.equal(toHex(await sim.handleFrame(hex('010001ff'))), '7f000106');
  const r = await send(sim, s, 0x01, Uint8Array.of(1));
  assert.equal(r.error, 0x06, 'inner error; the R-MAC verified and the session survives');
  assert.deepEqual(await call(sim, s, 0x01, Uint8Array.of(2)), Uint8Array.of(2));
  assert.throws(() => sim.faults.failNext(1, 300));
  await sim.close();
});

test('expireSessions: every session answers INVALID_SESSION afterwards', async () => {
  const sim = createSimulator();
  const s = await openSession(sim);
  sim.faults.expireSessions();
  assert.equal(sim.sessionCount, 0);
  assert.equal(toHex(await sim.handleFrame(s.channel.wrapCommand(encodeFrame(0x01, Uint8Array.of(1))))), '7f000103');
  await sim.close();
});

test('disappear/reappear: NO_DEVICE status, HTTP 500, rejected frames; sessions lost on return', async () => {
  const sim = createSimulator();
  const server = await startConnectorServer(sim);
  try {
    const s = await openSession(sim);
    sim.faults.disappear();
    assert.match(await (await fetch(`${server.url}/connector/status`)).text(), /^status=NO_DEVICE\n/);
    const res = await fetch(`${server.url}/connector/api`, { method: 'POST', body: hex('010001ff') });
    assert.equal(res.status, 500);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
    await assert.rejects(sim.handleFrame(hex('010001ff')), (e: unknown) => isOpenKmsError(e) && e.code === 'backend_unavailable');
    sim.faults.reappear();
    assert.match(await (await fetch(`${server.url}/connector/status`)).text(), /^status=OK\n/);
    assert.equal(toHex(await sim.handleFrame(s.channel.wrapCommand(encodeFrame(0x01, Uint8Array.of(1))))), '7f000103');
  } finally {
    await server.close();
    await sim.close();
  }
});

test('dropConnections: the next n requests are cut without an answer', async () => {
  const sim = createSimulator();
  const server = await startConnectorServer(sim);
  try {
    sim.faults.dropConnections(2);
    for (let i = 0; i < 2; i++) {
      await assert.rejects(fetch(`${server.url}/connector/api`, { method: 'POST', body: hex('010001ff') }));
    }
    const ok = await fetch(`${server.url}/connector/api`, { method: 'POST', body: hex('010001ff') });
    assert.equal(ok.status, 200);
  } finally {
    await server.close();
    await sim.close();
  }
});

test('stall delays the next command inside the queue (blocking others); hangNext waits for release()', async () => {
  const sleeps: number[] = [];
  const sim = createSimulator({ sleep: async (ms) => void sleeps.push(ms) });
  sim.faults.stall(5000);
  await sim.handleFrame(hex('010001ff'));
  assert.deepEqual(sleeps, [5000]);

  sim.faults.hangNext(10_000);
  const order: string[] = [];
  const hung = sim.handleFrame(hex('010001aa')).then(() => order.push('hung'));
  const behind = sim.handleFrame(hex('010001bb')).then(() => order.push('behind'));
  await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(order, [], 'the hung command blocks the whole device');
  assert.equal(sim.queueDepth, 2);
  sim.faults.release();
  await Promise.all([hung, behind]);
  assert.deepEqual(order, ['hung', 'behind']);

  sim.faults.hangNext(30);
  const t0 = Date.now();
  await sim.handleFrame(hex('010001cc'));
  assert.ok(Date.now() - t0 >= 25, 'a hang is bounded by its maxMs');
  await sim.close();
});

test('HTTP client timeout against a hung device; close() releases it', async () => {
  const sim = createSimulator();
  const server = await startConnectorServer(sim);
  try {
    sim.faults.hangNext(60_000);
    await assert.rejects(fetch(`${server.url}/connector/api`, { method: 'POST', body: hex('010001ff'), signal: AbortSignal.timeout(50) }));
  } finally {
    await server.close();
    await sim.close();
  }
  await assert.rejects(sim.handleFrame(hex('010001ff')), (e: unknown) => isOpenKmsError(e) && e.code === 'shutting_down');
});
