import { secp256k1 } from '@noble/curves/secp256k1.js';
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
  const sec1 = key.length === 64 ? Uint8Array.from([0x04, ...key]) : key;
  try {
    return secp256k1.Point.fromBytes(sec1).toBytes(true);
  } catch {
    throw new YubiHsmProtocolError('malformed_frame', 'invalid secp256k1 public key');
  }
}

/**
 * Device DER signature → compact r‖s with low S, plus the recovery id found by recovering the public key from the
 * digest and comparing with `publicKey` (33-byte compressed). Throws when neither recovery id gives the key, i.e. the
 * signature does not verify for this key and digest.
 */
export function normalizeSecp256k1Signature(der: Uint8Array, digest: Uint8Array, publicKey: Uint8Array): CompactRecoverableSignature {
  const { r, s: rawS } = parseDerEcdsaSignature(der);
  // low S (s ≤ n/2): the device may return either half; @noble/curves says which and negates in its scalar field
  const raw = new secp256k1.Signature(r, rawS);
  const s = raw.hasHighS() ? secp256k1.Point.Fn.neg(rawS) : rawS;
  const compact = new secp256k1.Signature(r, s).toBytes('compact');
  const expected = Buffer.from(compressSecp256k1PublicKey(publicKey)).toString('hex');
  for (const recovery of [0, 1] as const) {
    try {
      const point = new secp256k1.Signature(r, s).addRecoveryBit(recovery).recoverPublicKey(digest);
      if (Buffer.from(point.toBytes(true)).toString('hex') === expected) {
        // Recovery proves the signature; verify once more through the ordinary path (strict low-S).
        if (!secp256k1.verify(compact, digest, publicKey, { prehash: false, lowS: true })) break;
        return { signature: compact, recovery };
      }
    } catch {
      // try the other recovery id
    }
  }
  throw new YubiHsmProtocolError('signature_invalid', 'secp256k1 signature does not verify against the key');
}

/** Verifies a compact low-S signature over a 32-byte digest. */
export function verifySecp256k1(signature: Uint8Array, digest: Uint8Array, publicKey: Uint8Array): boolean {
  try {
    return secp256k1.verify(signature, digest, publicKey, { prehash: false, lowS: true });
  } catch {
    return false;
  }
}
