import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromHex, toHex } from '@openkms/core';
import { decodeFrame, encodeErrorFrame, encodeFrame, expectResponse } from './frame.js';
import { YubiHsmDeviceError, YubiHsmProtocolError } from './errors.js';
import { CommandCode } from './command-code.js';

test('frame encode/decode', () => {
  assert.equal(toHex(encodeFrame(0x03, fromHex('0001' + '00'.repeat(8)))), '03000a' + '0001' + '0000000000000000');
  assert.deepEqual(decodeFrame(fromHex('8100026869')), { cmd: 0x81, payload: fromHex('6869') });
  assert.throws(() => decodeFrame(fromHex('810003')), YubiHsmProtocolError);
  assert.throws(() => decodeFrame(fromHex('8100036869')), { reason: 'malformed_frame' });
  assert.equal(toHex(encodeErrorFrame(0x0b)), '7f00010b');
});

test('expectResponse returns payloads, throws typed device errors and rejects unexpected codes', () => {
  assert.equal(toHex(expectResponse(CommandCode.echo, fromHex('810001ff'))), 'ff');
  assert.throws(
    () => expectResponse(CommandCode.signEddsa, fromHex('7f00010b')),
    (e: unknown) => e instanceof YubiHsmDeviceError && e.code === 0x0b && e.codeName === 'OBJECT_NOT_FOUND' && e.command === 'signEddsa',
  );
  assert.throws(() => expectResponse(CommandCode.echo, fromHex('860000')), { reason: 'unexpected_response' });
  assert.throws(() => expectResponse(CommandCode.echo, fromHex('7f0000')), { reason: 'malformed_frame' });
});
