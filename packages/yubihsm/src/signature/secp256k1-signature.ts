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
 * Device DER signature → compact r‖s with low S, plus its recovery id, checked against `publicKey` (33-byte compressed
 * or raw x‖y) and the 32-byte digest. One double-scalar multiplication does both: R = (h/s)·G + (r/s)·Q is the ECDSA
 * verification equation (valid iff R.x mod n = r), and R's y parity is the recovery id of (r, s). Throws when the
 * signature does not verify for this key and digest.
 */
export function normalizeSecp256k1Signature(der: Uint8Array, digest: Uint8Array, publicKey: Uint8Array): CompactRecoverableSignature {
  const { r, s: rawS } = parseDerEcdsaSignature(der);
  const invalid = (): YubiHsmProtocolError => new YubiHsmProtocolError('signature_invalid', 'secp256k1 signature does not verify against the key');
  const Fn = secp256k1.Point.Fn;
  if (digest.length !== 32 || r <= 0n || r >= Fn.ORDER || rawS <= 0n || rawS >= Fn.ORDER) throw invalid();
  // low S (s ≤ n/2): the device may return either half; @noble/curves says which and negates in its scalar field
  const s = new secp256k1.Signature(r, rawS).hasHighS() ? Fn.neg(rawS) : rawS;
  const q = secp256k1.Point.fromBytes(compressSecp256k1PublicKey(publicKey));
  // bits2int of a 32-byte digest on a 256-bit order is the digest itself, reduced mod n
  const h = Fn.create(BigInt(`0x${Buffer.from(digest).toString('hex')}`));
  const w = Fn.inv(s);
  const R = secp256k1.Point.BASE.multiplyUnsafe(Fn.mul(h, w)).add(q.multiplyUnsafe(Fn.mul(r, w)));
  if (R.is0()) throw invalid();
  const { x, y } = R.toAffine();
  // R.x ≥ n would need recovery ids 2/3, which compact recoverable signatures cannot carry (probability ~2^-128)
  if (x >= Fn.ORDER || x !== r) throw invalid();
  return { signature: new secp256k1.Signature(r, s).toBytes('compact'), recovery: (y & 1n) === 1n ? 1 : 0 };
}

/** Verifies a compact low-S signature over a 32-byte digest. */
export function verifySecp256k1(signature: Uint8Array, digest: Uint8Array, publicKey: Uint8Array): boolean {
  try {
    return secp256k1.verify(signature, digest, publicKey, { prehash: false, lowS: true });
  } catch {
    return false;
  }
}
