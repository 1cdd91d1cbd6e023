import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519.js';
import { ed25519ExpandSeed, signEd25519Expanded, signEd25519Seed } from './key-material.js';

test('Ed25519 signing from the seed (node:crypto) gives the same signature as from the expanded form', () => {
  for (const len of [0, 1, 32, 200, 1232]) {
    const seed = new Uint8Array(randomBytes(32));
    const msg = new Uint8Array(randomBytes(len));
    const fast = signEd25519Seed(seed, msg);
    assert.deepEqual(fast, signEd25519Expanded(ed25519ExpandSeed(seed), msg));
    assert.ok(ed25519.verify(fast, msg, ed25519.getPublicKey(seed)));
  }
});
