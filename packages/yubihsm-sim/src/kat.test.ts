import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SIMULATED_PART_NUMBER } from '@openkms/yubihsm';
import { createSimulator } from './simulator.js';
import { call, hex, openSession, scriptedRandom, send, toHex } from './test-host.js';

test('KAT A: default key, zero host challenge, Echo("hello") at counter 1', async () => {
  const sim = createSimulator({ random: scriptedRandom('054d5631c9186f80') });
  const created = await sim.handleFrame(hex('03000a 0001 0000000000000000'));
  assert.equal(toHex(created), '830011' + '00' + '054d5631c9186f80' + '3225ed8a3224f2cf');
  const auth = await sim.handleFrame(hex('040011 00 1ce7552e0f7976db cc2198fd155c335a'));
  assert.equal(toHex(auth), '840000');
  const echo = await sim.handleFrame(hex('050019008ce60ffefdd6394e4a4f91e53d2d391611d44f4bd54cb5ec'));
  assert.equal(toHex(echo), '850019009d782bf2feb4e04f9ed9da6353c21c507072b3ff279ed02e');
  await sim.close();
});

test('KAT B: libyubihsm transcript, GetPseudoRandom(4) = 25fcbcc3', async () => {
  const sim = createSimulator({ random: scriptedRandom('4531193759066f58', '25fcbcc3') });
  const created = await sim.handleFrame(hex('03000a 0001 3aba7599b56235b1'));
  assert.equal(toHex(created), '830011' + '00' + '4531193759066f58' + 'dc3243ad5a08b1f9');
  assert.equal(toHex(await sim.handleFrame(hex('040011 00 b31d90e333c3b77a 98aec51415edce52'))), '840000');
  const rsp = await sim.handleFrame(hex('050019 00 9a11899510c6f25f26f7bb4a325ef032 e7f9099b62b0ce72'));
  assert.equal(toHex(rsp), '850019' + '00' + '8b86cc5919b06ab4487fa5a7b3d68eeb' + '88ba430f7854677f');
  await sim.close();
});

test('Echo works in the clear and inside a session, up to 2021 bytes', async () => {
  const sim = createSimulator();
  const big = new Uint8Array(2021).map((_, i) => i & 0xff);
  const frame = new Uint8Array(3 + big.length);
  frame.set([0x01, big.length >> 8, big.length & 0xff]);
  frame.set(big, 3);
  const clear = await sim.handleFrame(frame);
  assert.equal(clear[0], 0x81);
  assert.deepEqual(clear.subarray(3), big);
  const s = await openSession(sim);
  assert.deepEqual(await call(sim, s, 0x01, big), big);
  assert.deepEqual(await call(sim, s, 0x01, Uint8Array.of(0xff)), Uint8Array.of(0xff));
  await sim.close();
});

test('DeviceInfo page 0 and page 1 (simulated part number), in the clear and in a session', async () => {
  const sim = createSimulator({ serial: 7550140 });
  const info = await sim.handleFrame(hex('060000'));
  assert.equal(info[0], 0x86);
  const p = info.subarray(3);
  assert.deepEqual([...p.subarray(0, 3)], [2, 4, 0]);
  assert.equal(new DataView(p.buffer, p.byteOffset).getUint32(3), 7550140);
  assert.equal(p[7], 62);
  assert.equal(p[8], 2, 'the factory reset and boot entries are in the log');
  for (const alg of [12, 15, 46, 38, 29, 41, 42]) assert.ok(p.subarray(9).includes(alg), `algorithm ${alg} listed`);
  const page1 = await sim.handleFrame(hex('06000101'));
  assert.equal(Buffer.from(page1.subarray(3)).toString('ascii'), SIMULATED_PART_NUMBER);
  assert.equal(SIMULATED_PART_NUMBER, 'OPENKMS-SIMULATED-YUBIHSM2');
  assert.equal(toHex(await sim.handleFrame(hex('06000102'))), '7f000102');
  const s = await openSession(sim);
  assert.equal(Buffer.from(await call(sim, s, 0x06, Uint8Array.of(1))).toString('ascii'), SIMULATED_PART_NUMBER);
  await sim.close();
});

test('GetOption answers as a non-FIPS device', async () => {
  const sim = createSimulator();
  const s = await openSession(sim);
  assert.equal((await send(sim, s, 0x50, Uint8Array.of(5))).error, 0x02, 'fips-mode → INVALID_DATA');
  assert.deepEqual(await call(sim, s, 0x50, Uint8Array.of(1)), Uint8Array.of(0), 'force-audit off');
  const audit = await call(sim, s, 0x50, Uint8Array.of(3));
  assert.equal(audit.length % 2, 0);
  const pairs = new Map<number, number>();
  for (let i = 0; i < audit.length; i += 2) pairs.set(audit[i]!, audit[i + 1]!);
  assert.equal(pairs.get(0x56), 0, 'firmware 2.4.0: command audit off by default');
  assert.equal(pairs.get(0x77), 0, 'the RSA wrap commands are listed on firmware 2.4');
  await call(sim, s, 0x4f, hex('03 0002 56 01'));
  assert.equal((await call(sim, s, 0x50, Uint8Array.of(3)))[2 * [...pairs.keys()].indexOf(0x56) + 1], 1, 'command, then its setting');
  await call(sim, s, 0x4f, hex('01 0001 01'));
  assert.deepEqual(await call(sim, s, 0x50, Uint8Array.of(1)), Uint8Array.of(1));
  await sim.close();
});
