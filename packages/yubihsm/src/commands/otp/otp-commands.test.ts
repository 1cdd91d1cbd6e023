import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromHex, toHex } from '@openkms/core';
import { CreateOtpAead, DecryptOtp, GenerateOtpAeadKey, PutOtpAeadKey, RandomizeOtpAead, RewrapOtpAead } from '../index.js';

test('Put/GenerateOtpAeadKey: object header ‖ nonce id little-endian (as libyubihsm and python-yubihsm put send it) ‖ key', () => {
  const req = { id: 5, label: 'otp', domains: [1], capabilities: ['decrypt-otp'] as const, algorithm: 'aes128-yubico-otp' as const, nonceId: 0x01234567 };
  const put = PutOtpAeadKey.encodeRequest({ ...req, key: new Uint8Array(16).fill(9) });
  assert.equal(put.length, 2 + 40 + 2 + 8 + 1 + 4 + 16);
  assert.equal(put[52], 37, 'algorithm aes128-yubico-otp');
  assert.equal(toHex(put.subarray(53, 57)), '67452301');
  assert.equal(PutOtpAeadKey.decodeRequest(put).nonceId, 0x01234567);
  assert.deepEqual(PutOtpAeadKey.decodeRequest(put).key, new Uint8Array(16).fill(9));
  const gen = GenerateOtpAeadKey.encodeRequest(req);
  assert.equal(gen.length, 57);
  assert.equal(GenerateOtpAeadKey.decodeRequest(gen).nonceId, 0x01234567);
  assert.throws(() => GenerateOtpAeadKey.encodeRequest({ ...req, nonceId: 2 ** 32 }), { reason: 'invalid_argument' });
});

test('OTP AEAD commands: request layouts of the old dev docs, 36-byte AEADs, little-endian counters', () => {
  const aead = new Uint8Array(36).fill(3);
  assert.equal(CreateOtpAead.encodeRequest({ id: 0x027c, key: new Uint8Array(16), privateId: fromHex('010203040506') }).length, 24);
  assert.throws(() => CreateOtpAead.encodeRequest({ id: 1, key: new Uint8Array(15), privateId: new Uint8Array(6) }), { reason: 'invalid_argument' });
  assert.equal(toHex(RandomizeOtpAead.encodeRequest({ id: 0xc5f4 })), 'c5f4');
  assert.equal(RewrapOtpAead.encodeRequest({ fromId: 1, toId: 2, aead }).length, 40);
  assert.equal(DecryptOtp.encodeRequest({ id: 1, aead, otp: new Uint8Array(16) }).length, 54);
  assert.throws(() => DecryptOtp.encodeRequest({ id: 1, aead: aead.subarray(1), otp: new Uint8Array(16) }), { reason: 'invalid_argument' });
  assert.throws(() => DecryptOtp.encodeRequest({ id: 1, aead, otp: new Uint8Array(15) }), { reason: 'invalid_argument' });
  assert.deepEqual(DecryptOtp.decodeResponse(fromHex('34125678bc9a')), { useCounter: 0x1234, sessionCounter: 0x56, timestampHigh: 0x78, timestampLow: 0x9abc });
  assert.equal(toHex(DecryptOtp.encodeResponse({ useCounter: 0x1234, sessionCounter: 0x56, timestampHigh: 0x78, timestampLow: 0x9abc })), '34125678bc9a');
  assert.throws(() => RandomizeOtpAead.decodeResponse(new Uint8Array(35)), { reason: 'malformed_frame' });
});
