import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeLogEntry, verifyLogChain, type LogEntry } from '@openkms/yubihsm';
import { AuditLog } from './audit-log.js';
import { createSimulator } from './simulator.js';
import { call, concat, hex, manualClock, openSession, send, toHex, u16 } from './test-host.js';

function parseLog(payload: Uint8Array): { unloggedBoot: number; unloggedAuth: number; entries: LogEntry[] } {
  const n = payload[4]!;
  assert.equal(payload.length, 5 + 32 * n);
  const entries = [];
  for (let i = 0; i < n; i++) entries.push(decodeLogEntry(payload.subarray(5 + 32 * i, 37 + 32 * i)));
  return { unloggedBoot: (payload[0]! << 8) | payload[1]!, unloggedAuth: (payload[2]! << 8) | payload[3]!, entries };
}

test('AuditLog reproduces the reference chain vector (python-yubihsm TestLogCorrect)', () => {
  const log = new AuditLog();
  // seed the chain with e1's digest by importing it as the last entry
  log.importState({
    entries: [],
    nextNumber: 3,
    lastDigest: hex('f696906e5b3929c63ca6f10a83d2a0cc'),
    unloggedBoot: 0,
    unloggedAuth: 0,
  });
  const e2 = log.append({ command: 3, length: 10, sessionKey: 0xffff, targetKey: 1, secondKey: 0xffff, result: 0x83, systick: 35 });
  assert.equal(e2.number, 3);
  assert.equal(toHex(e2.digest), '2264d451b5eff5dfa94c544f33b787a9');
});

test('GetLogEntries: hash chain holds, CreateSession/Authenticate/inner commands are logged with their fields', async () => {
  const clock = manualClock();
  const sim = createSimulator({ now: clock.now, audit: { enabled: true } });
  clock.advance(35);
  const s = await openSession(sim);
  await call(sim, s, 0x46, concat(u16(0x10), new Uint8Array(40), u16(1), new Uint8Array(7), Uint8Array.of(0x80), Uint8Array.of(12)));
  await send(sim, s, 0x4e, hex('0099 03'));
  await call(sim, s, 0x01, hex('ff')); // Echo is not logged by default
  const log = parseLog(await call(sim, s, 0x4d));
  const e = log.entries;
  assert.equal(verifyLogChain(e, new Uint8Array(16)), -1, 'the chain verifies from the zero anchor');
  assert.deepEqual(
    e.map((x) => [x.number, x.command, x.result]),
    [
      [1, 0xff, 0xff],
      [2, 0x00, 0x00],
      [3, 0x03, 0x83],
      [4, 0x04, 0x84],
      [5, 0x46, 0xc6],
      [6, 0x4e, 0x0b],
    ],
  );
  assert.deepEqual([e[2]!.length, e[2]!.sessionKey, e[2]!.targetKey, e[2]!.secondKey, e[2]!.systick], [10, 0xffff, 1, 0xffff, 35]);
  assert.deepEqual([e[4]!.sessionKey, e[4]!.targetKey], [1, 0x10]);
  assert.deepEqual([e[5]!.sessionKey, e[5]!.targetKey], [1, 0x99]);
  // DeviceInfo reports the number of entries in use
  const info = await sim.handleFrame(hex('060000'));
  assert.equal(info[3 + 8], 7, 'six above + GetLogEntries (DeviceInfo is logged after answering)');
  await sim.close();
});

test('the log is a 62-entry circular store; SetLogIndex drops read entries', async () => {
  const sim = createSimulator({ audit: { enabled: true } });
  const s = await openSession(sim);
  for (let i = 0; i < 70; i++) await call(sim, s, 0x51, u16(1));
  let log = parseLog(await call(sim, s, 0x4d));
  assert.equal(log.entries.length, 62);
  assert.equal(verifyLogChain(log.entries), -1);
  const last = log.entries[61]!.number;
  assert.equal(toHex(await call(sim, s, 0x67, u16(last))), '');
  log = parseLog(await call(sim, s, 0x4d));
  assert.deepEqual(
    log.entries.map((x) => x.command),
    [0x4d, 0x67],
    'the GetLogEntries that was read is logged after the read',
  );
  assert.equal(log.entries[0]!.number, last + 1);
  await sim.close();
});

test('force-audit: a full log refuses logged commands with LOG_FULL until SetLogIndex', async () => {
  const sim = createSimulator({ audit: { forceAudit: true, enabled: true } });
  const s = await openSession(sim);
  assert.deepEqual(await call(sim, s, 0x50, Uint8Array.of(1)), Uint8Array.of(1));
  for (let i = 0; i < 56; i++) await call(sim, s, 0x51, u16(1));
  // reset + boot + 2 session + 1 GetOption + 56 = 61; one more fills it
  await call(sim, s, 0x51, u16(1));
  assert.equal((await send(sim, s, 0x51, u16(1))).error, 0x0a);
  await openSession(sim); // session setup still works but is counted as unlogged
  const log = parseLog(await call(sim, s, 0x4d));
  assert.equal(log.entries.length, 62);
  assert.equal(log.unloggedAuth, 2);
  await call(sim, s, 0x67, u16(log.entries[61]!.number));
  await call(sim, s, 0x51, u16(1));
  await sim.close();
});

test('command audit: off by default from firmware 2.3.1, on before; audit.enabled overrides the firmware default', async () => {
  for (const [options, expected] of [
    [{}, 2],
    [{ firmware: [2, 3, 0] as [number, number, number] }, 5],
    [{ firmware: [2, 3, 0] as [number, number, number], audit: { enabled: false } }, 2],
    [{ audit: { enabled: true } }, 5],
  ] as const) {
    const sim = createSimulator(options);
    const s = await openSession(sim);
    await call(sim, s, 0x51, u16(4));
    const log = parseLog(await call(sim, s, 0x4d));
    assert.equal(log.entries.length, expected, JSON.stringify(options));
    await sim.close();
  }
});

test('the command-audit list follows the reported firmware: AES codes from 2.3, public wrap / RSA wrap codes from 2.4; others are INVALID_DATA', async () => {
  for (const [firmware, aes, rsaWrap] of [
    [[2, 2, 0], false, false],
    [[2, 3, 1], true, false],
    [[2, 4, 0], true, true],
  ] as const) {
    const sim = createSimulator({ firmware: [...firmware] });
    const s = await openSession(sim);
    const listed = await call(sim, s, 0x50, Uint8Array.of(3));
    const codes = new Set<number>();
    for (let i = 0; i < listed.length; i += 2) codes.add(listed[i]!);
    assert.equal(codes.has(0x6d), aes, `${firmware.join('.')} PutSymmetricKey`);
    assert.equal(codes.has(0x77), rsaWrap, `${firmware.join('.')} ImportRsaWrapped`);
    assert.ok(codes.has(0x65) && codes.has(0x60), 'the OTP commands');
    assert.ok(!codes.has(0x05) && !codes.has(0x7f), 'never SessionMessage or Error');
    assert.equal((await send(sim, s, 0x4f, hex('03 0002 77 01'))).error, rsaWrap ? undefined : 0x02);
    await sim.close();
  }
});
