import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromHex, toHex } from '@openkms/core';
import { chainLogEntry, decodeLogEntry, encodeLogEntry, verifyLogChain, verifyLogEntry, type LogEntry } from './log-entry.js';

const e1: LogEntry = {
  number: 2,
  command: 0,
  length: 0,
  sessionKey: 0xffff,
  targetKey: 0,
  secondKey: 0,
  result: 0,
  systick: 0,
  digest: fromHex('f696906e5b3929c63ca6f10a83d2a0cc'),
};
const e2Fields = { number: 3, command: 3, length: 10, sessionKey: 0xffff, targetKey: 1, secondKey: 0xffff, result: 0x83, systick: 35 };

test('log digest chain KAT (python-yubihsm TestLogCorrect)', () => {
  const e2 = chainLogEntry(e2Fields, e1.digest);
  assert.equal(toHex(e2.digest), '2264d451b5eff5dfa94c544f33b787a9');
  assert.ok(verifyLogEntry(e2, e1));
  assert.equal(verifyLogChain([e1, e2]), -1);
  const broken = { ...e2, systick: 36 };
  assert.equal(verifyLogChain([e1, broken]), 1);
});

test('log entry encode/decode round trip (32 bytes)', () => {
  const bytes = encodeLogEntry(e1);
  assert.equal(bytes.length, 32);
  assert.equal(toHex(bytes.subarray(0, 16)), '00020000 00ffff0000 0000 00 00000000'.replaceAll(' ', ''));
  assert.deepEqual(decodeLogEntry(bytes), e1);
  assert.throws(() => decodeLogEntry(bytes.subarray(0, 31)), { reason: 'malformed_frame' });
});
