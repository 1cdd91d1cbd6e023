import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519.js';
import { p256 } from '@noble/curves/nist.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { Algorithm } from './device-codes.js';
import { ecPublicKey, ed25519ExpandSeed, signEd25519Expanded, signEd25519Seed } from './key-material.js';

test('Ed25519 signing from the seed (node:crypto) gives the same signature as from the expanded form', () => {
  for (const len of [0, 1, 32, 200, 1232]) {
    const seed = new Uint8Array(randomBytes(32));
    const msg = new Uint8Array(randomBytes(len));
    const fast = signEd25519Seed(seed, msg);
    assert.deepEqual(fast, signEd25519Expanded(ed25519ExpandSeed(seed), msg));
    assert.ok(ed25519.verify(fast, msg, ed25519.getPublicKey(seed)));
  }
});

test('ecPublicKey (node:crypto) equals @noble/curves for P-256 and secp256k1', () => {
  for (const [algorithm, curve] of [
    [Algorithm.ecp256, p256],
    [Algorithm.eck256, secp256k1],
  ] as const) {
    for (let i = 0; i < 8; i++) {
      const d = curve.utils.randomSecretKey();
      assert.deepEqual(ecPublicKey(algorithm, d), curve.getPublicKey(d, false).subarray(1));
    }
  }
});
