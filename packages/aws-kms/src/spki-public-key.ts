import { compressSecp256k1PublicKey } from '@openkms/backend-kit';

// DER SubjectPublicKeyInfo prefixes (RFC 8410 for Ed25519, RFC 5480 with the secp256k1 OID 1.3.132.0.10).
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const SECP256K1_SPKI_PREFIX = Buffer.from('3056301006072a8648ce3d020106052b8104000a034200', 'hex');

/** The raw public key in a DER SPKI: 32 bytes for ed25519, 33-byte compressed SEC1 for secp256k1; undefined otherwise. */
export function publicKeyFromSpki(der: Uint8Array, curve: 'ed25519' | 'secp256k1'): Uint8Array | undefined {
  const prefix = curve === 'ed25519' ? ED25519_SPKI_PREFIX : SECP256K1_SPKI_PREFIX;
  const rawLength = curve === 'ed25519' ? 32 : 65;
  if (der.length !== prefix.length + rawLength || !Buffer.from(der.subarray(0, prefix.length)).equals(prefix)) return undefined;
  const raw = der.slice(prefix.length);
  if (curve === 'ed25519') return raw;
  try {
    return compressSecp256k1PublicKey(raw);
  } catch {
    return undefined;
  }
}
