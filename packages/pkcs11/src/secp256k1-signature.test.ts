import { test } from 'node:test';
import assert from 'node:assert/strict';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { normalizeSecp256k1Signature } from './secp256k1-signature.js';

test('raw or DER, high or low S: the result is compact low-S with the recovery id, verified against the key', () => {
  const priv = secp256k1.utils.randomSecretKey();
  const pub = secp256k1.getPublicKey(priv, true);
  for (let i = 0; i < 16; i++) {
    const digest = sha256(new Uint8Array([i]));
    const sig = secp256k1.Signature.fromBytes(secp256k1.sign(digest, priv, { prehash: false }), 'compact');
    const high = new secp256k1.Signature(sig.r, secp256k1.Point.Fn.neg(sig.s));
    for (const input of [sig.toBytes('compact'), sig.toBytes('der'), high.toBytes('compact'), high.toBytes('der')]) {
      const out = normalizeSecp256k1Signature(input, digest, pub);
      assert.deepEqual(out.signature, sig.toBytes('compact'));
      assert.deepEqual(secp256k1.Signature.fromBytes(out.signature, 'compact').addRecoveryBit(out.recovery).recoverPublicKey(digest).toBytes(true), pub);
    }
  }
});

test('a signature of another key, another digest or garbage fails closed', () => {
  const priv = secp256k1.utils.randomSecretKey();
  const other = secp256k1.getPublicKey(secp256k1.utils.randomSecretKey(), true);
  const digest = sha256(new Uint8Array([1]));
  const sig = secp256k1.sign(digest, priv, { prehash: false });
  assert.throws(() => normalizeSecp256k1Signature(sig, digest, other), { code: 'signature_verification_failed' });
  assert.throws(() => normalizeSecp256k1Signature(sig, sha256(new Uint8Array([2])), secp256k1.getPublicKey(priv, true)), {
    code: 'signature_verification_failed',
  });
  assert.throws(() => normalizeSecp256k1Signature(new Uint8Array(70), digest, other), { code: 'signature_verification_failed' });
});
