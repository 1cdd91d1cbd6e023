import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toHex, fromHex } from '@openkms/core';
import { decodeListObjectsFilter, encodeListObjectsFilter, ListObjects } from './list-objects.js';
import { ALL_CAPABILITIES_MASK } from '../../protocol/capability.js';

test('ListObjects filter encoding KAT (python-yubihsm)', () => {
  const bytes = encodeListObjectsFilter({ id: 2, type: 'opaque', domains: 'all', capabilities: 'all', algorithm: 0x15 });
  assert.equal(toHex(bytes), '01' + '0002' + '02' + '01' + '03' + 'ffff' + '04' + '00ffffffffffffff' + '05' + '15');
  assert.deepEqual(decodeListObjectsFilter(bytes), { id: 2, type: 1, domains: 0xffff, capabilities: ALL_CAPABILITIES_MASK, algorithm: 0x15 });
  assert.equal(encodeListObjectsFilter({}).length, 0);
  const withLabel = encodeListObjectsFilter({ label: 'k1' });
  assert.equal(withLabel.length, 41);
  assert.throws(() => decodeListObjectsFilter(fromHex('09')), { reason: 'malformed_frame' });
});

test('ListObjects response round trip', () => {
  const entries = [
    { id: 1, type: 2, sequence: 0 },
    { id: 0x64, type: 3, sequence: 7 },
  ];
  const p = ListObjects.encodeResponse(entries);
  assert.equal(toHex(p), '00010200' + '00640307');
  assert.deepEqual(ListObjects.decodeResponse(p), entries);
  assert.throws(() => ListObjects.decodeResponse(fromHex('000102')), { reason: 'malformed_frame' });
});
