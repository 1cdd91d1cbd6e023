import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { compressSecp256k1PublicKey, normalizeSecp256k1Signature, SECP256K1_ORDER, verifySecp256k1 } from './secp256k1-signature.js';
import { encodeDerEcdsaSignature, parseDerEcdsaSignature } from './der-ecdsa.js';

const sk = new Uint8Array(32).fill(0x11);
const pub = secp256k1.getPublicKey(sk, true);
const pubXY = secp256k1.getPublicKey(sk, false).subarray(1);

test('DER → compact, low-S normalisation and recovery id', () => {
  let sawHigh = 0;
  const sawRecovery = new Set<number>();
  for (let i = 0; i < 24; i++) {
    const digest = new Uint8Array(createHash('sha256').update(`msg ${i}`).digest());
    const base = secp256k1.Signature.fromBytes(secp256k1.sign(digest, sk, { prehash: false, lowS: true }), 'compact');
    // present the device's possible high-S form half of the time
    const s = i % 2 ? SECP256K1_ORDER - base.s : base.s;
    if (s > SECP256K1_ORDER / 2n) sawHigh++;
    const out = normalizeSecp256k1Signature(encodeDerEcdsaSignature({ r: base.r, s }), digest, pub);
    assert.equal(Buffer.from(out.signature).toString('hex'), Buffer.from(base.toBytes('compact')).toString('hex'));
    const recovered = new secp256k1.Signature(base.r, base.s).addRecoveryBit(out.recovery).recoverPublicKey(digest).toBytes(true);
    assert.deepEqual(recovered, pub);
    assert.ok(verifySecp256k1(out.signature, digest, pub));
    sawRecovery.add(out.recovery);
  }
  assert.ok(sawHigh > 0);
  assert.equal(sawRecovery.size, 2);
});

test('a signature for another key or digest is rejected', () => {
  const digest = new Uint8Array(32).fill(3);
  const sig = secp256k1.Signature.fromBytes(secp256k1.sign(digest, sk, { prehash: false }), 'compact');
  const der = encodeDerEcdsaSignature(sig);
  const other = secp256k1.getPublicKey(new Uint8Array(32).fill(0x22), true);
  assert.throws(() => normalizeSecp256k1Signature(der, digest, other));
  assert.throws(() => normalizeSecp256k1Signature(der, new Uint8Array(32).fill(4), pub));
  // tampered, out-of-range or zero components, a short digest
  assert.throws(() => normalizeSecp256k1Signature(encodeDerEcdsaSignature({ r: sig.r, s: sig.s ^ 1n }), digest, pub));
  assert.throws(() => normalizeSecp256k1Signature(encodeDerEcdsaSignature({ r: sig.r ^ 1n, s: sig.s }), digest, pub));
  assert.throws(() => normalizeSecp256k1Signature(encodeDerEcdsaSignature({ r: sig.r, s: SECP256K1_ORDER + sig.s }), digest, pub));
  assert.throws(() => normalizeSecp256k1Signature(encodeDerEcdsaSignature({ r: sig.r, s: 0n }), digest, pub));
  assert.throws(() => normalizeSecp256k1Signature(der, digest.subarray(0, 31), pub));
  // the raw x‖y form of the key is accepted too
  assert.doesNotThrow(() => normalizeSecp256k1Signature(der, digest, pubXY));
});

test('strict DER parsing', () => {
  const v = { r: 0x80n, s: 1n };
  const der = encodeDerEcdsaSignature(v);
  assert.equal(Buffer.from(der).toString('hex'), '3007020200800201' + '01');
  assert.deepEqual(parseDerEcdsaSignature(der), v);
  assert.throws(() => parseDerEcdsaSignature(Uint8Array.from([0x30, 0x07, 0x02, 0x02, 0x00, 0x01, 0x02, 0x01, 0x01])), /unnecessary leading zero/);
  assert.throws(() => parseDerEcdsaSignature(Uint8Array.from([0x30, 0x06, 0x02, 0x01, 0x80, 0x02, 0x01, 0x01])), /negative/);
  assert.throws(() => parseDerEcdsaSignature(Uint8Array.from([...der, 0])), /left bytes after parsing/);
  assert.throws(() => parseDerEcdsaSignature(Uint8Array.from([0x30, 0x06, 0x02, 0x01, 0x00, 0x02, 0x01, 0x01])), /bad DER ECDSA signature: .*out of range/);
  // r = n: a well-formed DER integer, but not a valid signature value
  const rIsN = Uint8Array.from([0x30, 0x26, 0x02, 0x21, 0x00, ...Buffer.from(SECP256K1_ORDER.toString(16), 'hex'), 0x02, 0x01, 0x01]);
  assert.throws(() => normalizeSecp256k1Signature(rIsN, new Uint8Array(32), pub), /malformed|out of range/);
});

test('public key compression from raw x‖y', () => {
  assert.deepEqual(compressSecp256k1PublicKey(pubXY), pub);
  assert.throws(() => compressSecp256k1PublicKey(new Uint8Array(64)), { reason: 'malformed_frame' });
});
