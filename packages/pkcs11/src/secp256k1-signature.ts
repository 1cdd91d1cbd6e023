import { secp256k1 } from '@noble/curves/secp256k1.js';
import { ErrorCode, openKmsError, type Secp256k1Signature } from '@openkms/core';

/**
 * A token's ECDSA signature → compact r‖s with low S and the recovery id. PKCS#11 (CKM_ECDSA) returns raw r‖s; some
 * modules return DER: both are accepted. The recovery id is found by recovering the public key with each value, and
 * the result is verified against `publicKey` (33-byte compressed) before it is returned: anything else fails closed.
 */
export function normalizeSecp256k1Signature(raw: Uint8Array, digest: Uint8Array, publicKey: Uint8Array): Secp256k1Signature {
  let r: bigint;
  let s: bigint;
  try {
    ({ r, s } = raw.length === 64 ? secp256k1.Signature.fromBytes(raw, 'compact') : secp256k1.Signature.fromBytes(raw, 'der'));
  } catch {
    throw openKmsError(ErrorCode.signatureVerificationFailed, 'the token returned a malformed ECDSA signature', { length: raw.length });
  }
  if (new secp256k1.Signature(r, s).hasHighS()) s = secp256k1.Point.Fn.neg(s);
  const compact = new secp256k1.Signature(r, s).toBytes('compact');
  const expected = Buffer.from(publicKey).toString('hex');
  for (const recovery of [0, 1] as const) {
    try {
      const point = new secp256k1.Signature(r, s).addRecoveryBit(recovery).recoverPublicKey(digest);
      if (Buffer.from(point.toBytes(true)).toString('hex') !== expected) continue;
      if (!secp256k1.verify(compact, digest, publicKey, { prehash: false, lowS: true })) break;
      return { signature: compact, recovery };
    } catch {
      // try the other recovery id
    }
  }
  throw openKmsError(ErrorCode.signatureVerificationFailed, 'the secp256k1 signature from the token does not verify against the key', {});
}
