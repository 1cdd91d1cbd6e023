import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { secp256k1PublicPoint } from './secp256k1-public-point.js';
import { compressSecp256k1PublicKey, normalizeSecp256k1Signature, parseDerSignature } from './secp256k1-signature.js';

const n = secp256k1.Point.Fn.ORDER;

describe('secp256k1 signature normalisation', () => {
  const secret = new Uint8Array(32).fill(0x42);
  const publicKey = secp256k1.getPublicKey(secret, true);

  it('turns either half of S into low S with the recovery id that gives the key, for many digests', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 24; i++) {
      const digest = new Uint8Array(32).fill(i + 1);
      const sig = secp256k1.Signature.fromBytes(secp256k1.sign(digest, secret, { prehash: false }), 'compact');
      for (const s of [sig.s, n - sig.s]) {
        const out = normalizeSecp256k1Signature(sig.r, s, digest, publicKey);
        assert.ok(out);
        const compact = secp256k1.Signature.fromBytes(out.signature, 'compact');
        assert.equal(compact.hasHighS(), false);
        assert.deepEqual(compact.addRecoveryBit(out.recovery).recoverPublicKey(digest).toBytes(true), publicKey);
        seen.add(out.recovery);
      }
    }
    assert.deepEqual([...seen].sort(), [0, 1]);
  });

  it('refuses a signature by another key, over another digest, or with r / s out of range', () => {
    const digest = new Uint8Array(32).fill(7);
    const sig = secp256k1.Signature.fromBytes(secp256k1.sign(digest, secret, { prehash: false }), 'compact');
    assert.equal(normalizeSecp256k1Signature(sig.r, sig.s, digest, secp256k1.getPublicKey(new Uint8Array(32).fill(1), true)), undefined);
    assert.equal(normalizeSecp256k1Signature(sig.r, sig.s, new Uint8Array(32).fill(8), publicKey), undefined);
    assert.equal(normalizeSecp256k1Signature(0n, sig.s, digest, publicKey), undefined);
    assert.equal(normalizeSecp256k1Signature(sig.r, n, digest, publicKey), undefined);
  });

  it('checks against an uncompressed key too; refuses a digest that is not 32 bytes and a key that is not a curve point', () => {
    const digest = new Uint8Array(32).fill(9);
    const sig = secp256k1.Signature.fromBytes(secp256k1.sign(digest, secret, { prehash: false }), 'compact');
    const out = normalizeSecp256k1Signature(sig.r, sig.s, digest, secp256k1.getPublicKey(secret, false));
    assert.deepEqual(out, normalizeSecp256k1Signature(sig.r, sig.s, digest, publicKey));
    assert.ok(out && secp256k1.verify(out.signature, digest, publicKey, { prehash: false, lowS: true }));
    assert.equal(normalizeSecp256k1Signature(sig.r, sig.s, digest.subarray(0, 31), publicKey), undefined);
    assert.equal(normalizeSecp256k1Signature(sig.r, sig.s, Uint8Array.from([...digest, 0]), publicKey), undefined);
    assert.equal(normalizeSecp256k1Signature(sig.r, sig.s, digest, Uint8Array.from([2, ...new Uint8Array(32).fill(0xff)])), undefined);
  });

  it('parses each key once: the same point (with its multiplication table) for the same key bytes', () => {
    const point = secp256k1PublicPoint(publicKey);
    assert.equal(secp256k1PublicPoint(Uint8Array.from(publicKey)), point);
    assert.deepEqual(point.toBytes(true), publicKey);
    assert.throws(() => secp256k1PublicPoint(Uint8Array.from([2, ...new Uint8Array(32).fill(0xff)])));
  });

  it('keeps at most 64 keys, dropping the least recently used', () => {
    const keys = Array.from({ length: 65 }, (_, i) => secp256k1.getPublicKey(new Uint8Array(32).fill(i + 100), true));
    const first = secp256k1PublicPoint(keys[0]!);
    const second = secp256k1PublicPoint(keys[1]!);
    for (const key of keys.slice(2, 64)) secp256k1PublicPoint(key);
    assert.equal(secp256k1PublicPoint(keys[0]!), first, 'used again: moved to the back');
    secp256k1PublicPoint(keys[64]!); // the 65th key: the least recently used (keys[1]) goes
    assert.equal(secp256k1PublicPoint(keys[0]!), first);
    assert.notEqual(secp256k1PublicPoint(keys[1]!), second);
  });

  it('parses strict DER only', () => {
    const sig = secp256k1.Signature.fromBytes(secp256k1.sign(new Uint8Array(32).fill(3), secret, { prehash: false }), 'compact');
    const der = sig.toBytes('der');
    assert.deepEqual(parseDerSignature(der), { r: sig.r, s: sig.s });
    assert.equal(parseDerSignature(Uint8Array.from([...der, 0])), undefined);
    assert.equal(parseDerSignature(der.subarray(0, der.length - 1)), undefined);
    assert.equal(parseDerSignature(new Uint8Array(64)), undefined);
  });

  it('compresses raw x‖y, SEC1 uncompressed and compressed keys; refuses points off the curve', () => {
    const uncompressed = secp256k1.getPublicKey(secret, false);
    assert.deepEqual(compressSecp256k1PublicKey(uncompressed), publicKey);
    assert.deepEqual(compressSecp256k1PublicKey(uncompressed.subarray(1)), publicKey);
    assert.deepEqual(compressSecp256k1PublicKey(publicKey), publicKey);
    assert.throws(() => compressSecp256k1PublicKey(new Uint8Array(65).fill(4)));
  });
});
