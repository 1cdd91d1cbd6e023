import { createPublicKey, verify, type KeyObject } from 'node:crypto';

const MAX_CACHED_KEYS = 256;
const keyObjects = new Map<string, KeyObject>();

/**
 * The node:crypto key object of an Ed25519 public key, kept for the signer's keys (at most 256, oldest dropped):
 * importing the key (a JWK parse in OpenSSL) cost as much as the verification itself on every signature.
 */
export function ed25519PublicKeyObject(publicKey: Uint8Array): KeyObject {
  const x = Buffer.from(publicKey).toString('base64url');
  let key = keyObjects.get(x);
  if (key === undefined) {
    key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' });
    if (keyObjects.size >= MAX_CACHED_KEYS) keyObjects.delete(keyObjects.keys().next().value!);
    keyObjects.set(x, key);
  }
  return key;
}

/** Verifies an ed25519 signature with node:crypto (used to check the backend before a signature is returned). */
export function verifyEd25519(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (publicKey.length !== 32 || signature.length !== 64) return false;
  try {
    return verify(null, message, ed25519PublicKeyObject(publicKey), signature);
  } catch {
    return false;
  }
}
