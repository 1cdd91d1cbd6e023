/**
 * The SubjectPublicKeyInfo (DER) of a device public key as GetPublicKey returns it (algorithm + raw key), so an
 * attested public key can be compared with the device's and node:crypto can load it.
 */
import { Algorithm } from '../protocol/algorithm.js';
import { DER_NULL, derBitString, derOid, derSequence, derUnsignedInteger } from './der-writer.js';

const EC_PUBLIC_KEY = '1.2.840.10045.2.1';
const RSA_ENCRYPTION = '1.2.840.113549.1.1.1';
const ED25519 = '1.3.101.112';

/** Named-curve OID and coordinate size of each EC algorithm. */
export const EC_CURVES: ReadonlyMap<number, { readonly oid: string; readonly size: number; readonly nodeName: string }> = new Map([
  [Algorithm.ecp224, { oid: '1.3.132.0.33', size: 28, nodeName: 'secp224r1' }],
  [Algorithm.ecp256, { oid: '1.2.840.10045.3.1.7', size: 32, nodeName: 'prime256v1' }],
  [Algorithm.ecp384, { oid: '1.3.132.0.34', size: 48, nodeName: 'secp384r1' }],
  [Algorithm.ecp521, { oid: '1.3.132.0.35', size: 66, nodeName: 'secp521r1' }],
  [Algorithm.eck256, { oid: '1.3.132.0.10', size: 32, nodeName: 'secp256k1' }],
  [Algorithm.ecbp256, { oid: '1.3.36.3.3.2.8.1.1.7', size: 32, nodeName: 'brainpoolP256r1' }],
  [Algorithm.ecbp384, { oid: '1.3.36.3.3.2.8.1.1.11', size: 48, nodeName: 'brainpoolP384r1' }],
  [Algorithm.ecbp512, { oid: '1.3.36.3.3.2.8.1.1.13', size: 64, nodeName: 'brainpoolP512r1' }],
]);

const RSA_ALGORITHMS: ReadonlySet<number> = new Set([Algorithm.rsa2048, Algorithm.rsa3072, Algorithm.rsa4096]);

/**
 * SPKI DER for `publicKey` in the device's raw form (EC: x‖y; Ed25519: A; RSA: the modulus, exponent 65537 as the
 * device uses). Throws RangeError for an unknown algorithm or a key of the wrong size.
 */
export function publicKeyInfoDer(algorithm: number, publicKey: Uint8Array): Uint8Array {
  const ec = EC_CURVES.get(algorithm);
  if (ec) {
    if (publicKey.length !== 2 * ec.size) throw new RangeError('EC public key has the wrong length');
    return derSequence(derSequence(derOid(EC_PUBLIC_KEY), derOid(ec.oid)), derBitString(Uint8Array.of(4, ...publicKey)));
  }
  if (algorithm === Algorithm.ed25519) {
    if (publicKey.length !== 32) throw new RangeError('Ed25519 public key has the wrong length');
    return derSequence(derSequence(derOid(ED25519)), derBitString(publicKey));
  }
  if (RSA_ALGORITHMS.has(algorithm)) {
    return derSequence(derSequence(derOid(RSA_ENCRYPTION), DER_NULL), derBitString(derSequence(derUnsignedInteger(publicKey), derUnsignedInteger(65537))));
  }
  throw new RangeError(`no public key form for algorithm ${algorithm}`);
}
