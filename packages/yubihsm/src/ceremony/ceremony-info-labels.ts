/**
 * HKDF-SHA256 `info` labels of the openKMS ceremony (v1). They are the original Rust openKMS's domain-separation
 * strings: a device set up by it from a mnemonic is reproduced from the same mnemonic here. Changing one breaks
 * recovery of every device set up with it.
 */
export const CEREMONY_INFO = {
  ceremonyAuth: 'openkms/v1/auth/ceremony',
  provisionerAuth: 'openkms/v1/auth/provisioner',
  signerAuth: 'openkms/v1/auth/signer',
  wrapKey: 'openkms/v1/wrap',
  auditHmac: 'openkms/v1/audit/hmac',
} as const;

/** Length of every ceremony output (auth passwords, wrap key, audit HMAC key). */
export const CEREMONY_SECRET_BYTES = 32;
