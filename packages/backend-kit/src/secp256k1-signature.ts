import { secp256k1 } from '@noble/curves/secp256k1.js';
import type { Secp256k1Signature } from '@openkms/core';

/** Raw x‖y (64 bytes) or SEC1 (33/65 bytes) → 33-byte compressed SEC1; throws on anything that is not a curve point. */
export function compressSecp256k1PublicKey(key: Uint8Array): Uint8Array {
  const sec1 = key.length === 64 ? Uint8Array.from([0x04, ...key]) : key;
  return secp256k1.Point.fromBytes(sec1).toBytes(true);
}

/**
 * r and s from the service (either half of S) → compact r‖s with low S plus the recovery id, found by recovering the
 * public key with each id and comparing with `publicKey` (33-byte compressed). Returns undefined when neither id gives
 * the key or the strict low-S verification fails: the caller fails closed.
 */
export function normalizeSecp256k1Signature(r: bigint, rawS: bigint, digest: Uint8Array, publicKey: Uint8Array): Secp256k1Signature | undefined {
  const n = secp256k1.Point.Fn.ORDER;
  if (r <= 0n || r >= n || rawS <= 0n || rawS >= n) return undefined;
  const s = rawS > n >> 1n ? n - rawS : rawS;
  const sig = new secp256k1.Signature(r, s);
  const compact = sig.toBytes('compact');
  const expected = Buffer.from(publicKey).toString('hex');
  for (const recovery of [0, 1] as const) {
    try {
      const point = sig.addRecoveryBit(recovery).recoverPublicKey(digest);
      if (Buffer.from(point.toBytes(true)).toString('hex') !== expected) continue;
      if (!secp256k1.verify(compact, digest, publicKey, { prehash: false, lowS: true })) return undefined;
      return { signature: compact, recovery };
    } catch {
      // try the other recovery id
    }
  }
  return undefined;
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
