import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { canonicalJson, toPlainJson } from './canonical-json.js';
import { computeRecordMac, recordMacInput } from './record-mac.js';

test('canonicalJson sorts keys at every level, drops undefined members, no whitespace', () => {
  const value = { b: 1, a: { z: [3, { y: true, x: null }], c: 'é"\n' }, u: undefined };
  assert.equal(canonicalJson(value), '{"a":{"c":"é\\"\\n","z":[3,{"x":null,"y":true}]},"b":1}');
});

test('canonicalJson orders keys by UTF-16 code units and formats numbers like JSON.stringify', () => {
  assert.equal(canonicalJson({ b: 0, B: 1, a10: 2, a2: 3, é: 4 }), '{"B":1,"a10":2,"a2":3,"b":0,"é":4}');
  assert.equal(canonicalJson([1e21, 0.1, -0, 5]), '[1e+21,0.1,0,5]');
});

test('canonicalJson and toPlainJson reject what JSON cannot carry', () => {
  assert.throws(() => canonicalJson({ a: Number.NaN }), TypeError);
  assert.throws(() => canonicalJson({ a: 1n }), TypeError);
  assert.throws(() => toPlainJson({ a: Infinity }), TypeError);
  assert.throws(() => toPlainJson({ a: [undefined] }), TypeError);
  assert.throws(() => toPlainJson({ a: new Date(0) }), TypeError);
  assert.throws(() => toPlainJson({ a: () => 1 }), TypeError);
  const cyclic: Record<string, unknown> = {};
  cyclic.self = cyclic;
  assert.throws(() => toPlainJson(cyclic), TypeError);
});

test('toPlainJson keeps a "__proto__" key as an ordinary member and survives a JSON round trip', () => {
  const parsed: unknown = JSON.parse('{"__proto__":{"x":1},"a":[1,"two",null]}');
  const plain = toPlainJson(parsed);
  assert.equal(Object.getPrototypeOf(plain), Object.prototype);
  assert.equal(canonicalJson(plain), '{"__proto__":{"x":1},"a":[1,"two",null]}');
  assert.equal(canonicalJson(JSON.parse(JSON.stringify(plain))), canonicalJson(plain));
});

test('the MAC covers every member except mac, in canonical form', () => {
  const key = new Uint8Array(32).fill(1);
  const record = { seq: 1, v: 1, mac: 'ignored', prev_mac: '0'.repeat(64) };
  assert.equal(recordMacInput(record).toString('utf8'), `{"prev_mac":"${'0'.repeat(64)}","seq":1,"v":1}`);
  const expected = createHmac('sha256', key)
    .update(`{"prev_mac":"${'0'.repeat(64)}","seq":1,"v":1}`)
    .digest('hex');
  assert.equal(computeRecordMac(key, record), expected);
  assert.equal(computeRecordMac(key, { ...record, mac: 'other' }), expected);
  assert.notEqual(computeRecordMac(key, { ...record, seq: 2 }), expected);
});
