import { secp256k1 } from '@noble/curves/secp256k1.js';
import { normalizeSecp256k1Signature as normalize, parseDerSignature } from '@openkms/backend-kit';
import { ErrorCode, openKmsError, type Secp256k1Signature } from '@openkms/core';

/**
 * A token's ECDSA signature → compact r‖s with low S and the recovery id. PKCS#11 (CKM_ECDSA) returns raw r‖s; some
 * modules return DER: both are accepted. The recovery id is found by recovering the public key with each value, and
 * the result is verified against `publicKey` (33-byte compressed) before it is returned (@openkms/backend-kit):
 * anything else fails closed.
 */
export function normalizeSecp256k1Signature(raw: Uint8Array, digest: Uint8Array, publicKey: Uint8Array): Secp256k1Signature {
  const rs = raw.length === 64 ? parseCompact(raw) : parseDerSignature(raw);
  if (!rs) throw openKmsError(ErrorCode.signatureVerificationFailed, 'the token returned a malformed ECDSA signature', { length: raw.length });
  const out = normalize(rs.r, rs.s, digest, publicKey);
  if (!out) throw openKmsError(ErrorCode.signatureVerificationFailed, 'the secp256k1 signature from the token does not verify against the key', {});
  return out;
}

function parseCompact(raw: Uint8Array): { r: bigint; s: bigint } | undefined {
  try {
    const { r, s } = secp256k1.Signature.fromBytes(raw, 'compact');
    return { r, s };
  } catch {
    return undefined;
  }
}
