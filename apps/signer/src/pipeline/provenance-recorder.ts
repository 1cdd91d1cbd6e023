import type { KeyBackend, SignOptions, SignProvenance } from '@openkms/core';

/**
 * A per-request view of the key backend that remembers where this request's signature was made, so its audit
 * record names the device that really signed (with several devices, not just the last one that used the key).
 */
export function recordProvenance(backend: KeyBackend): { backend: KeyBackend; provenance: () => SignProvenance | undefined } {
  let seen: SignProvenance | undefined;
  const options = (o?: SignOptions): SignOptions => ({
    onProvenance: (p) => {
      seen = p;
      o?.onProvenance?.(p);
    },
  });
  const view: KeyBackend = {
    kind: backend.kind,
    listKeys: () => backend.listKeys(),
    getPublicKey: (key) => backend.getPublicKey(key),
    signEd25519: (key, message, o) => backend.signEd25519(key, message, options(o)),
    signSecp256k1: (key, digest, o) => backend.signSecp256k1(key, digest, options(o)),
    health: () => backend.health(),
    // a plugin never closes the signer's backend
    close: async () => undefined,
  };
  return { backend: view, provenance: () => seen };
}
