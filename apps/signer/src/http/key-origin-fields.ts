import type { BackendKey } from '@openkms/core';

/**
 * GET /keys's `origin` and `attestation` of a key, from what its backend reports (BackendKey.origin/attestation);
 * nothing when the backend does not say (cloud KMS, PKCS#11, a backend that is down).
 */
export function keyOriginFields(k: BackendKey | undefined): { origin?: string; attestation?: boolean } {
  if (!k) return {};
  return { ...(k.origin ? { origin: k.origin } : {}), ...(k.attestation !== undefined ? { attestation: k.attestation } : {}) };
}
