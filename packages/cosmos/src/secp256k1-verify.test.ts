import { test } from 'node:test';
import assert from 'node:assert/strict';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { isLowS, verifySecp256k1 } from './secp256k1-verify.js';

const N = secp256k1.Point.Fn.ORDER;
const sig = (r: bigint, s: bigint) => Uint8Array.from(Buffer.from(r.toString(16).padStart(64, '0') + s.toString(16).padStart(64, '0'), 'hex'));

test('isLowS: 0 < r < n and 0 < s ≤ n/2, 64 bytes', () => {
  assert.equal(isLowS(sig(1n, N >> 1n)), true);
  assert.equal(isLowS(sig(N - 1n, 1n)), true);
  assert.equal(isLowS(sig(1n, (N >> 1n) + 1n)), false, 'high S');
  assert.equal(isLowS(sig(0n, 1n)), false, 'r = 0');
  assert.equal(isLowS(sig(N, 1n)), false, 'r = n');
  assert.equal(isLowS(sig(1n, 0n)), false, 's = 0');
  assert.equal(isLowS(new Uint8Array(63)), false, 'length');
});

test('verifySecp256k1 accepts the low-S form and refuses the high-S twin of the same signature', async () => {
  const sk = new Uint8Array(32).fill(7);
  const pub = secp256k1.getPublicKey(sk, true);
  const digest = new Uint8Array(32).fill(9);
  const low = secp256k1.Signature.fromBytes(secp256k1.sign(digest, sk, { prehash: false, lowS: true }), 'compact');
  assert.equal(await verifySecp256k1(pub, digest, low.toBytes('compact')), true);
  assert.equal(await verifySecp256k1(pub, digest, sig(low.r, N - low.s)), false);
});

test('verifySecp256k1 refuses another key, another digest and a malformed key or digest', async () => {
  const sk = new Uint8Array(32).fill(7);
  const pub = secp256k1.getPublicKey(sk, true);
  const other = secp256k1.getPublicKey(new Uint8Array(32).fill(8), true);
  const digest = new Uint8Array(32).fill(9);
  const s = secp256k1.sign(digest, sk, { prehash: false, lowS: true });
  assert.equal(await verifySecp256k1(other, digest, s), false);
  assert.equal(await verifySecp256k1(pub, new Uint8Array(32).fill(10), s), false);
  assert.equal(await verifySecp256k1(pub.slice(1), digest, s), false);
  assert.equal(await verifySecp256k1(pub, digest.slice(1), s), false);
});
