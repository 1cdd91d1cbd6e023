import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromHex } from '@openkms/core';
import { expectResponse } from '../../protocol/frame.js';
import { DeviceInfoCommand, DevicePartNumberCommand, hasPartNumberPage, isSimulatedPartNumber } from './device-info.js';
import { SIMULATED_PART_NUMBER } from '../../protocol/limits.js';

test('DeviceInfo response KAT (python-yubihsm): v2.0.0, serial 7550140, log 62/4, algorithms 1–47', () => {
  let algs = '';
  for (let i = 1; i <= 47; i++) algs += i.toString(16).padStart(2, '0');
  const frame = fromHex('860038' + '020000' + '007334bc' + '3e' + '04' + algs);
  const info = DeviceInfoCommand.decodeResponse(expectResponse(0x06, frame));
  assert.deepEqual(info.version, { major: 2, minor: 0, patch: 0 });
  assert.equal(info.serial, 7550140);
  assert.equal(info.logTotal, 62);
  assert.equal(info.logUsed, 4);
  assert.deepEqual(
    info.algorithms,
    Array.from({ length: 47 }, (_, i) => i + 1),
  );
  assert.deepEqual(DeviceInfoCommand.encodeResponse(info), frame.subarray(3));
  assert.ok(!hasPartNumberPage(info.version));
  assert.ok(hasPartNumberPage({ major: 2, minor: 4, patch: 0 }));
});

test('DeviceInfo page 1 carries the part number; the simulated one is recognised', () => {
  assert.deepEqual(DevicePartNumberCommand.encodeRequest(), Uint8Array.of(1));
  const payload = DevicePartNumberCommand.encodeResponse(SIMULATED_PART_NUMBER);
  assert.equal(DevicePartNumberCommand.decodeResponse(payload), SIMULATED_PART_NUMBER);
  assert.ok(isSimulatedPartNumber(DevicePartNumberCommand.decodeResponse(payload)));
  assert.ok(!isSimulatedPartNumber('YubiHSM 2'));
});
