import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { passwordToAuthKey } from '../protocol/password-key.js';
import type { AuthKeyMaterial } from '../protocol/scp03.js';
import { CEREMONY_INFO, CEREMONY_SECRET_BYTES } from './ceremony-info-labels.js';

/** The ceremony's outputs: three auth-key passwords (raw bytes), the wrap key and the audit HMAC key, 32 bytes each. */
export interface CeremonySecrets {
  readonly ceremonyPassword: Uint8Array;
  readonly provisionerPassword: Uint8Array;
  readonly signerPassword: Uint8Array;
  readonly wrapKey: Uint8Array;
  readonly auditHmacKey: Uint8Array;
}

/** One ceremony output: HKDF-SHA256(ikm = the BIP-39 seed, no salt, info = label) → 32 bytes. */
export function deriveCeremonySecret(seed: Uint8Array, info: string): Uint8Array {
  return hkdf(sha256, seed, undefined, utf8ToBytes(info), CEREMONY_SECRET_BYTES);
}

/** Every ceremony output from a 64-byte BIP-39 seed (see `ceremonySeed`). */
export function deriveCeremonySecrets(seed: Uint8Array): CeremonySecrets {
  return {
    ceremonyPassword: deriveCeremonySecret(seed, CEREMONY_INFO.ceremonyAuth),
    provisionerPassword: deriveCeremonySecret(seed, CEREMONY_INFO.provisionerAuth),
    signerPassword: deriveCeremonySecret(seed, CEREMONY_INFO.signerAuth),
    wrapKey: deriveCeremonySecret(seed, CEREMONY_INFO.wrapKey),
    auditHmacKey: deriveCeremonySecret(seed, CEREMONY_INFO.auditHmac),
  };
}

/**
 * The device-side key of a ceremony auth password: Yubico's password transform applied to the 32 raw bytes (not to
 * a hex or base64 spelling of them), as the original openKMS's setup installs it.
 */
export function ceremonyAuthKey(password: Uint8Array): AuthKeyMaterial {
  return passwordToAuthKey(password);
}
