import { secp256k1 } from '@noble/curves/secp256k1.js';
import type { Curve } from '@openkms/core';

/** CKK_EC_EDWARDS (PKCS#11 3.0), absent from pkcs11js's constants. */
export const CKK_EC_EDWARDS = 0x40;
/** CKM_EC_EDWARDS_KEY_PAIR_GEN and CKM_EDDSA (PKCS#11 3.0). */
export const CKM_EC_EDWARDS_KEY_PAIR_GEN = 0x1055;
export const CKM_EDDSA = 0x1057;

/** DER of the curve OIDs in CKA_EC_PARAMS: secp256k1 (1.3.132.0.10) and Ed25519 (1.3.101.112). */
export const SECP256K1_EC_PARAMS = Uint8Array.from([0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x0a]);
export const ED25519_EC_PARAMS = Uint8Array.from([0x06, 0x03, 0x2b, 0x65, 0x70]);
/** PrintableString "edwards25519": how some tokens name the curve instead of the OID. */
const EDWARDS25519_NAME = Uint8Array.from([0x13, 0x0c, ...Buffer.from('edwards25519')]);

const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((v, i) => v === b[i]);

/** The curve a key's CKA_KEY_TYPE and CKA_EC_PARAMS name, when openKMS can sign with it. */
export function curveOf(keyType: number, ecParams: Uint8Array): Curve | undefined {
  if (keyType === 3 && same(ecParams, SECP256K1_EC_PARAMS)) return 'secp256k1';
  if (keyType === CKK_EC_EDWARDS && (same(ecParams, ED25519_EC_PARAMS) || same(ecParams, EDWARDS25519_NAME))) return 'ed25519';
  return undefined;
}

/**
 * CKA_EC_POINT → the public key as openKMS uses it (32 bytes ed25519, 33-byte compressed secp256k1). The value is a
 * DER OCTET STRING around the point; some modules return the bare point: both are accepted.
 */
export function publicKeyFromEcPoint(curve: Curve, ecPoint: Uint8Array): Uint8Array | undefined {
  const bare = unwrapOctetString(ecPoint) ?? ecPoint;
  try {
    if (curve === 'ed25519') return bare.length === 32 ? Uint8Array.from(bare) : undefined;
    return secp256k1.Point.fromBytes(bare).toBytes(true);
  } catch {
    return undefined;
  }
}

function unwrapOctetString(v: Uint8Array): Uint8Array | undefined {
  if (v.length < 2 || v[0] !== 0x04) return undefined;
  let len = v[1]!;
  let off = 2;
  if (len === 0x81) {
    len = v[2] ?? -1;
    off = 3;
  } else if (len > 0x7f) return undefined;
  return off + len === v.length ? v.subarray(off) : undefined;
}
