import { secp256k1 } from '@noble/curves/secp256k1.js';
import type { Secp256k1Signature } from '@openkms/core';
import { secp256k1PublicPoint } from './secp256k1-public-point.js';

/** Raw x‖y (64 bytes) or SEC1 (33/65 bytes) → 33-byte compressed SEC1; throws on anything that is not a curve point. */
export function compressSecp256k1PublicKey(key: Uint8Array): Uint8Array {
  const sec1 = key.length === 64 ? Uint8Array.from([0x04, ...key]) : key;
  return secp256k1.Point.fromBytes(sec1).toBytes(true);
}

/**
 * r and s from the service or device (either half of S) → compact r‖s with low S plus the recovery id, checked against
 * `publicKey` (SEC1, 33 or 65 bytes) and the 32-byte digest. Returns undefined when the signature does not verify for
 * this key and digest: the caller fails closed.
 *
 * One double-scalar multiplication does both the check and the recovery id: R = (h/s)·G + (r/s)·Q is the ECDSA
 * verification equation (valid iff R.x mod n = r), and R's y parity is the recovery id of (r, s). Q comes with a
 * per-key multiplication table (secp256k1PublicPoint). This replaced recovering the key with each id and verifying
 * after it: up to three multiplications.
 */
export function normalizeSecp256k1Signature(r: bigint, rawS: bigint, digest: Uint8Array, publicKey: Uint8Array): Secp256k1Signature | undefined {
  const Fn = secp256k1.Point.Fn;
  if (digest.length !== 32 || r <= 0n || r >= Fn.ORDER || rawS <= 0n || rawS >= Fn.ORDER) return undefined;
  const s = rawS > Fn.ORDER >> 1n ? Fn.neg(rawS) : rawS;
  let q;
  try {
    q = secp256k1PublicPoint(publicKey);
  } catch {
    return undefined;
  }
  // bits2int of a 32-byte digest on a 256-bit order is the digest itself, reduced mod n
  const h = Fn.create(BigInt(`0x${Buffer.from(digest).toString('hex')}`));
  const w = Fn.inv(s);
  const R = secp256k1.Point.BASE.multiplyUnsafe(Fn.mul(h, w)).add(q.multiplyUnsafe(Fn.mul(r, w)));
  if (R.is0()) return undefined;
  const { x, y } = R.toAffine();
  // R.x ≥ n would need recovery ids 2/3, which compact recoverable signatures cannot carry (probability ~2^-128)
  if (x !== r) return undefined;
  return { signature: new secp256k1.Signature(r, s).toBytes('compact'), recovery: (y & 1n) === 1n ? 1 : 0 };
}

/** Strict DER `SEQUENCE { INTEGER r, INTEGER s }` (as AWS KMS and PKCS#11 return it) → r, s; undefined when malformed. */
export function parseDerSignature(der: Uint8Array): { r: bigint; s: bigint } | undefined {
  try {
    const { r, s } = secp256k1.Signature.fromBytes(der, 'der');
    return { r, s };
  } catch {
    return undefined;
  }
}
