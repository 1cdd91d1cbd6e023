import { secp256k1 } from '@noble/curves/secp256k1.js';
import { compressSecp256k1PublicKey as compressSec1, normalizeSecp256k1Signature as normalizeRecoverable } from '@openkms/backend-kit';
import { YubiHsmProtocolError } from '../protocol/errors.js';
import { parseDerEcdsaSignature } from './der-ecdsa.js';

export const SECP256K1_ORDER: bigint = secp256k1.Point.Fn.ORDER;

/** A compact, low-S secp256k1 signature with its recovery id. */
export interface CompactRecoverableSignature {
  /** r(32) ‖ s(32), s ≤ n/2. */
  readonly signature: Uint8Array;
  readonly recovery: 0 | 1;
}

/** Raw x‖y (64 bytes, as GetPublicKey returns it) or SEC1 (33/65 bytes) → 33-byte compressed SEC1. */
export function compressSecp256k1PublicKey(key: Uint8Array): Uint8Array {
  try {
    return compressSec1(key);
  } catch {
    throw new YubiHsmProtocolError('malformed_frame', 'invalid secp256k1 public key');
  }
}

/**
 * Device DER signature → compact r‖s with low S, plus its recovery id, checked against `publicKey` (33-byte compressed
 * or raw x‖y) and the 32-byte digest, with one double-scalar multiplication against the key's cached table (see
 * @openkms/backend-kit's normalizeSecp256k1Signature, which every secp256k1 backend shares). Throws when the signature
 * does not verify for this key and digest.
 */
export function normalizeSecp256k1Signature(der: Uint8Array, digest: Uint8Array, publicKey: Uint8Array): CompactRecoverableSignature {
  const { r, s } = parseDerEcdsaSignature(der);
  const out = normalizeRecoverable(r, s, digest, publicKey.length === 64 ? compressSecp256k1PublicKey(publicKey) : publicKey);
  if (out === undefined) throw new YubiHsmProtocolError('signature_invalid', 'secp256k1 signature does not verify against the key');
  return out;
}

/** Verifies a compact low-S signature over a 32-byte digest. */
export function verifySecp256k1(signature: Uint8Array, digest: Uint8Array, publicKey: Uint8Array): boolean {
  try {
    return secp256k1.verify(signature, digest, publicKey, { prehash: false, lowS: true });
  } catch {
    return false;
  }
}
