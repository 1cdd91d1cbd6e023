import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeFrame } from '@openkms/yubihsm';
import { createSimulator } from './simulator.js';
import { call, hex, manualClock, openSession, send, toHex } from './test-host.js';

test('session ids are the lowest free 0–15; the 17th gets SESSIONS_FULL; a closed slot is reused', async () => {
  const sim = createSimulator();
  const sessions = [];
  for (let i = 0; i < 16; i++) {
    const s = await openSession(sim);
    assert.equal(s.sid, i);
    sessions.push(s);
  }
  assert.equal(toHex(await sim.handleFrame(hex('03000a 0001 0000000000000000'))), '7f000105');
  await call(sim, sessions[5]!, 0x40);
  assert.equal(sim.sessionCount, 15);
  assert.equal((await openSession(sim)).sid, 5);
  await sim.close();
});

test('CreateSession with an unknown key → OBJECT_NOT_FOUND; wrong password → AUTHENTICATION_FAILED and the slot is freed', async () => {
  const sim = createSimulator();
  assert.equal(toHex(await sim.handleFrame(hex('03000a 0009 0000000000000000'))), '7f00010b');
  const created = await sim.handleFrame(hex('03000a 0001 0000000000000000'));
  assert.equal(created[0], 0x83);
  const bad = await sim.handleFrame(hex('040011 00 0000000000000000 0000000000000000'));
  assert.equal(toHex(bad), '7f000104');
  assert.equal(sim.sessionCount, 0);
  // AuthenticateSession for a session that does not exist
  assert.equal(toHex(await sim.handleFrame(hex('040011 07 0000000000000000 0000000000000000'))), '7f000103');
  await sim.close();
});

test('sessions expire after 30 s idle; every command resets the timer', async () => {
  const clock = manualClock();
  const sim = createSimulator({ now: clock.now });
  const s = await openSession(sim);
  clock.advance(29_000);
  await call(sim, s, 0x01, Uint8Array.of(0xff));
  clock.advance(29_000);
  await call(sim, s, 0x01, Uint8Array.of(0xff));
  clock.advance(30_000);
  const frame = s.channel.wrapCommand(encodeFrame(0x01, Uint8Array.of(1)));
  assert.equal(toHex(await sim.handleFrame(frame)), '7f000103', 'expired → plain INVALID_SESSION');
  assert.equal(sim.sessionCount, 0);
  // an un-authenticated session expires too and its slot is reused
  await sim.handleFrame(hex('03000a 0001 0000000000000000'));
  clock.advance(30_000);
  assert.equal((await openSession(sim)).sid, 0);
  await sim.close();
});

test('outer errors are plain 7f 0001 xx; inner errors come inside a valid 0x85 envelope', async () => {
  const sim = createSimulator();
  const s = await openSession(sim);
  // inner: unknown object → OBJECT_NOT_FOUND inside the envelope (R-MAC verified by the host channel)
  const r = await send(sim, s, 0x4e, hex('0042 03'));
  assert.equal(r.error, 0x0b);
  // inner: unknown command → INVALID_COMMAND inside the envelope; session still usable
  assert.equal((await send(sim, s, 0x33)).error, 0x01);
  assert.equal((await send(sim, s, 0x03, new Uint8Array(10))).error, 0x01, 'CreateSession inside a session');
  assert.deepEqual(await call(sim, s, 0x01, hex('aabb')), hex('aabb'));
  // outer: unknown session id
  const frame = s.channel.wrapCommand(encodeFrame(0x01, Uint8Array.of(1)));
  const forged = Uint8Array.from(frame);
  forged[3] = 9;
  assert.equal(toHex(await sim.handleFrame(forged)), '7f000103');
  // outer: bad C-MAC → AUTHENTICATION_FAILED, session dropped
  const tampered = Uint8Array.from(frame);
  tampered[tampered.length - 1]! ^= 1;
  assert.equal(toHex(await sim.handleFrame(tampered)), '7f000104');
  assert.equal(sim.sessionCount, 0);
  // outer: SessionMessage with a bad length
  assert.equal(toHex(await sim.handleFrame(hex('050003 000102'))), '7f000108');
  // outer: frame whose length field lies
  assert.equal(toHex(await sim.handleFrame(hex('010005 00'))), '7f000108');
  await sim.close();
});

test('session-only commands in the clear → INVALID_COMMAND; unknown commands → INVALID_COMMAND', async () => {
  const sim = createSimulator();
  for (const cmd of [0x48, 0x4e, 0x51, 0x56, 0x6a, 0x40, 0x08, 0x4d]) {
    assert.equal(toHex(await sim.handleFrame(encodeFrame(cmd, new Uint8Array(3)))), '7f000101', `cmd 0x${cmd.toString(16)}`);
  }
  assert.equal(toHex(await sim.handleFrame(hex('330000'))), '7f000101');
  assert.equal((await sim.handleFrame(hex('0a0000')))[0], 0x8a, 'GetDevicePublicKey is a clear command (firmware ≥ 2.3)');
  await sim.close();
  const old = createSimulator({ firmware: [2, 2, 0] });
  assert.equal(toHex(await old.handleFrame(hex('0a0000'))), '7f000101', 'no GetDevicePublicKey before firmware 2.3');
  await old.close();
});

test('the counter advances per message and CloseSession frees the session after answering', async () => {
  const sim = createSimulator();
  const s = await openSession(sim);
  for (let i = 0; i < 5; i++) await call(sim, s, 0x01, Uint8Array.of(i));
  assert.equal(s.channel.messageCounter, 6n);
  assert.deepEqual(await call(sim, s, 0x40), new Uint8Array(0));
  assert.equal(sim.sessionCount, 0);
  await sim.close();
});

test('GetPseudoRandom returns the requested number of bytes and needs the capability', async () => {
  const sim = createSimulator();
  const s = await openSession(sim);
  assert.equal((await call(sim, s, 0x51, hex('0400'))).length, 1024);
  assert.equal((await send(sim, s, 0x51, hex('04'))).error, 0x08);
  await sim.close();
});
