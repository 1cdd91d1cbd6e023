import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toHex } from '@openkms/core';
import {
  ALL_CAPABILITIES_MASK,
  capabilityMask,
  capabilityNames,
  decodeCapabilities,
  encodeCapabilities,
  hasCapabilities,
  isCapabilitySubset,
} from './capability.js';
import { domainList, domainMask } from './domains.js';
import { decodeLabel, encodeLabel } from './label.js';

test('capabilities ↔ bits', () => {
  assert.equal(toHex(encodeCapabilities(['sign-eddsa'])), '0000000000000100');
  assert.equal(toHex(encodeCapabilities(['sign-ecdsa', 'sign-eddsa', 'exportable-under-wrap'])), '0000000000010180');
  assert.equal(toHex(encodeCapabilities('all')), '00ffffffffffffff');
  assert.equal(toHex(encodeCapabilities(['delete-public-wrap-key'])), '0080000000000000');
  assert.deepEqual(capabilityNames(capabilityMask(['sign-ecdsa', 'get-log-entries'])), ['sign-ecdsa', 'get-log-entries']);
  assert.equal(capabilityNames(ALL_CAPABILITIES_MASK).length, 56);
  assert.equal(decodeCapabilities(encodeCapabilities(['reset-device'])), 1n << 0x1cn);
  assert.ok(hasCapabilities(ALL_CAPABILITIES_MASK, ['reset-device']));
  assert.ok(!hasCapabilities(capabilityMask(['sign-eddsa']), ['sign-ecdsa']));
  assert.ok(isCapabilitySubset(capabilityMask(['sign-eddsa']), ALL_CAPABILITIES_MASK));
  assert.throws(() => capabilityMask(['nope' as never]), { reason: 'invalid_argument' });
});

test('domains ↔ bits', () => {
  assert.equal(domainMask([1]), 1);
  assert.equal(domainMask([1, 16]), 0x8001);
  assert.equal(domainMask('all'), 0xffff);
  assert.equal(domainMask({ mask: 5 }), 5);
  assert.deepEqual(domainList(0x8003), [1, 2, 16]);
  assert.throws(() => domainMask([0]), { reason: 'invalid_argument' });
  assert.throws(() => domainMask([17]), { reason: 'invalid_argument' });
});

test('labels are 40 NUL-padded bytes', () => {
  const l = encodeLabel('hello');
  assert.equal(l.length, 40);
  assert.equal(decodeLabel(l), 'hello');
  assert.throws(() => encodeLabel('x'.repeat(41)), { reason: 'invalid_argument' });
});
