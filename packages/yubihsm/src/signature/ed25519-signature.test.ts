import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ed25519 } from '@noble/curves/ed25519.js';
import { verifyEd25519 } from './ed25519-signature.js';

test('verifyEd25519 (node:crypto) accepts RFC 8032 signatures and refuses anything else without throwing', () => {
  const sk = ed25519.utils.randomSecretKey();
  const pk = ed25519.getPublicKey(sk);
  const msg = new TextEncoder().encode('a solana message');
  const sig = ed25519.sign(msg, sk);
  assert.equal(verifyEd25519(sig, msg, pk), true);
  assert.equal(verifyEd25519(sig, msg, pk), true); // cached key object
  const bad = sig.slice();
  bad[10]! ^= 1;
  assert.equal(verifyEd25519(bad, msg, pk), false);
  assert.equal(verifyEd25519(sig, new TextEncoder().encode('another message'), pk), false);
  assert.equal(verifyEd25519(sig, msg, ed25519.getPublicKey(ed25519.utils.randomSecretKey())), false);
  assert.equal(verifyEd25519(sig.subarray(0, 63), msg, pk), false);
  assert.equal(verifyEd25519(sig, msg, pk.subarray(0, 31)), false);
  // a public key that is not a curve point
  assert.equal(verifyEd25519(sig, msg, new Uint8Array(32).fill(0xff)), false);
  // S ≥ L (non-canonical) is refused
  const highS = sig.slice();
  highS.set(new Uint8Array(32).fill(0xff), 32);
  assert.equal(verifyEd25519(highS, msg, pk), false);
});
