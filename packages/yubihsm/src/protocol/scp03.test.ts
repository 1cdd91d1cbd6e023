import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fromHex, toHex } from '@openkms/core';
import {
  aesCbcDecrypt,
  aesCbcEncrypt,
  aesCmac,
  aesEncryptBlock,
  cardCryptogram,
  deriveSessionKeys,
  hostCryptogram,
  isoPad,
  isoUnpad,
  scp03Derive,
  sessionIv,
} from './scp03.js';
const hex = fromHex;
import { passwordToAuthKey } from './password-key.js';

test('SCP03 KDF unit KAT (python-yubihsm TestDeriveFct)', () => {
  const key = new TextEncoder().encode('0xff0xff0x120xff0xff0xff0xff0xaf');
  assert.equal(key.length, 32);
  assert.equal(toHex(scp03Derive(key, 4, fromHex('0cf4f54cb9df595b'), 128)), '57a07f31b913bce5ff06364a0e39467a');
});

test('KAT A session keys and cryptograms', () => {
  const auth = passwordToAuthKey('password');
  const host = new Uint8Array(8);
  const card = fromHex('054d5631c9186f80');
  const keys = deriveSessionKeys(auth, host, card);
  assert.equal(toHex(keys.sEnc), '680543bd3d52b50971b84be23569c13f');
  assert.equal(toHex(keys.sMac), '46451cfa3fc80c1ca60c944787f857e2');
  assert.equal(toHex(keys.sRmac), '1f0be34c417e9ef61a59a01047c8925d');
  assert.equal(toHex(cardCryptogram(keys, host, card)), '3225ed8a3224f2cf');
  assert.equal(toHex(hostCryptogram(keys, host, card)), '1ce7552e0f7976db');
  assert.equal(toHex(sessionIv(keys.sEnc, 1n)), 'c67a52b36bfe95925b19052ec6900afb');
});

test('KAT B session keys and cryptograms (libyubihsm transcript)', () => {
  const auth = passwordToAuthKey('password');
  const host = fromHex('3aba7599b56235b1');
  const card = fromHex('4531193759066f58');
  const keys = deriveSessionKeys(auth, host, card);
  assert.equal(toHex(keys.sEnc), '57a2f3866a75c5374ee5fafebc5d247e');
  assert.equal(toHex(keys.sMac), 'e056a3737ccb0f638111218bfb35e0ae');
  assert.equal(toHex(keys.sRmac), '6efd5ea15f1072a47e0b07afe7b50208');
  assert.equal(toHex(cardCryptogram(keys, host, card)), 'dc3243ad5a08b1f9');
  assert.equal(toHex(hostCryptogram(keys, host, card)), 'b31d90e333c3b77a');
});

test('ISO 7816-4 padding', () => {
  assert.equal(toHex(isoPad(fromHex('0102'))), '0102' + '80' + '00'.repeat(13));
  assert.equal(isoPad(new Uint8Array(16)).length, 32);
  assert.equal(isoPad(new Uint8Array(0)).length, 16);
  assert.equal(toHex(isoUnpad(isoPad(fromHex('aabbcc')))), 'aabbcc');
  assert.deepEqual(isoUnpad(isoPad(new Uint8Array(16))), new Uint8Array(16));
  assert.throws(() => isoUnpad(new Uint8Array(16)), { reason: 'bad_padding' });
  assert.throws(() => isoUnpad(fromHex('01'.repeat(16))), { reason: 'bad_padding' });
  // more than one block of zeros after 0x80 is not valid padding
  assert.throws(() => isoUnpad(fromHex('80' + '00'.repeat(31))), { reason: 'bad_padding' });
});

// The AES primitives run on node:crypto (OpenSSL); CMAC is built on its CBC. Published vectors pin all three.
test('AES-CMAC: RFC 4493 section 4 vectors (empty, one block, partial last block, four blocks)', () => {
  const key = hex('2b7e151628aed2a6abf7158809cf4f3c');
  const m = hex('6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e5130c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710');
  assert.equal(toHex(aesCmac(key, m.subarray(0, 0))), 'bb1d6929e95937287fa37d129b756746');
  assert.equal(toHex(aesCmac(key, m.subarray(0, 16))), '070a16b46b4d4144f79bdd9dd04a287c');
  assert.equal(toHex(aesCmac(key, m.subarray(0, 40))), 'dfa66747de9ae63030ca32611497c827');
  assert.equal(toHex(aesCmac(key, m)), '51f0bebf7e3b9d92fc49741779363cfe');
});

test('AES-128 ECB and CBC: NIST SP 800-38A F.1.1 and F.2.1/F.2.2 vectors', () => {
  const key = hex('2b7e151628aed2a6abf7158809cf4f3c');
  const pt = hex('6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51');
  assert.equal(toHex(aesEncryptBlock(key, pt.subarray(0, 16))), '3ad77bb40d7a3660a89ecaf32466ef97');
  const iv = hex('000102030405060708090a0b0c0d0e0f');
  const ct = aesCbcEncrypt(key, iv, pt);
  assert.equal(toHex(ct), '7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b2');
  assert.equal(toHex(aesCbcDecrypt(key, iv, ct)), toHex(pt));
  assert.throws(() => aesCbcDecrypt(key, iv, ct.subarray(0, 20)), /whole number of blocks/);
});
