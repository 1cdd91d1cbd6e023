import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, sign } from 'node:crypto';
import { ed25519PublicKeyObject, verifyEd25519 } from './ed25519-verify.js';

function keyPair() {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const raw = Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
  return { privateKey, raw: new Uint8Array(raw) };
}

test('verifyEd25519: checks against the given key; the key is imported once, not on every signature', () => {
  const a = keyPair();
  const b = keyPair();
  const message = new TextEncoder().encode('a Solana message');
  const sigA = new Uint8Array(sign(null, message, a.privateKey));
  assert.equal(verifyEd25519(a.raw, message, sigA), true);
  assert.equal(verifyEd25519(b.raw, message, sigA), false, 'another key (cached separately) does not verify it');
  assert.equal(verifyEd25519(a.raw, new TextEncoder().encode('another message'), sigA), false);
  const flipped = sigA.slice();
  flipped[5]! ^= 1;
  assert.equal(verifyEd25519(a.raw, message, flipped), false);
  assert.equal(verifyEd25519(a.raw.subarray(1), message, sigA), false);
  assert.equal(ed25519PublicKeyObject(a.raw), ed25519PublicKeyObject(Uint8Array.from(a.raw)), 'one key object per public key');
  assert.notEqual(ed25519PublicKeyObject(a.raw), ed25519PublicKeyObject(b.raw));
});
