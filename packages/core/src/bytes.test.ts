import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bytesEqual, fromBase64Strict, fromHex, parseAmount, toBase64, toHex } from './index.js';

test('hex and base64 round trip', () => {
  const b = fromHex('00ff10');
  assert.equal(toHex(b), '00ff10');
  assert.equal(toBase64(b), 'AP8Q');
  assert.deepEqual(fromBase64Strict('AP8Q'), b);
  assert.throws(() => fromHex('0g'));
});

test('strict base64 rejects what Buffer would silently accept', () => {
  for (const bad of ['AP8', 'AP8Q!', 'A P8Q', 'AP8Q====', '-_8Q']) assert.equal(fromBase64Strict(bad), undefined, bad);
});

test('bytesEqual and parseAmount', () => {
  assert.ok(bytesEqual(fromHex('0102'), fromHex('0102')));
  assert.ok(!bytesEqual(fromHex('0102'), fromHex('0103')));
  assert.equal(parseAmount('5000000000'), 5000000000n);
  for (const bad of ['', '01', '-1', '1.5', '1e3', 5, null]) assert.equal(parseAmount(bad), undefined);
});
