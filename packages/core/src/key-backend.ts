import type { Curve } from './curve.js';

/** A reference to a key inside a backend: opaque to everyone but that backend (for YubiHSM2, the object id). */
export interface KeyRef {
  /** Backend-specific key id, e.g. "0x0064" for a YubiHSM2 object id. */
  readonly id: string;
}

/** A key as a backend reports it. */
export interface BackendKey extends KeyRef {
  readonly curve: Curve;
  /** Raw public key: 32 bytes for ed25519, 33-byte compressed SEC1 for secp256k1. */
  readonly publicKey: Uint8Array;
  /** The label stored with the key in the backend, if any. */
  readonly backendLabel?: string;
  /**
   * Where the key came from, when the backend knows: generated inside it, imported in the clear, or imported under a
   * wrap key (a backup restored). YubiHSM2: the GetObjectInfo origin.
   */
  readonly origin?: KeyOrigin;
  /** True when the backend can prove the origin with an attestation certificate (YubiHSM2: `openkms keys attest`). */
  readonly attestation?: boolean;
}

export type KeyOrigin = 'generated' | 'imported' | 'imported-wrapped';

/** A secp256k1 signature as every chain wants it: compact r‖s with low S, plus the recovery id. */
export interface Secp256k1Signature {
  /** 64 bytes: r (32) ‖ s (32), s ≤ n/2. */
  readonly signature: Uint8Array;
  /** 0 or 1: recovers the public key from the signature and digest. */
  readonly recovery: 0 | 1;
}

/** Where a signature was made, for the audit record. */
export interface SignProvenance {
  /** Device or backend instance identifier (YubiHSM2 serial number, PKCS#11 token label, …). */
  readonly device?: string;
  readonly keyId: string;
  /** The backend's name in config (`[backends.<name>]`); filled in by the signer when a backend leaves it out. */
  readonly backend?: string;
}

/** Per-call options of the signing methods. */
export interface SignOptions {
  /** Told where this very signature was made (which device), before the signature is returned. */
  readonly onProvenance?: (provenance: SignProvenance) => void;
}

/** What `KeyBackend.generateKey` is asked for. */
export interface GenerateKeyRequest {
  readonly curve: Curve;
  /** The label stored with the key in the backend (its `backendLabel`). */
  readonly label: string;
}

export interface BackendHealth {
  readonly up: boolean;
  /** True when the backend is a simulation: never for production money. */
  readonly simulated: boolean;
  readonly detail?: Readonly<Record<string, string | number | boolean>>;
}

/**
 * What a key store can do. The YubiHSM2 driver is the first implementation; PKCS#11 and cloud KMS backends
 * implement the same interface. Private keys never leave the backend.
 *
 * Implementations must fail closed: any fault surfaces as an OpenKmsError (backend_unavailable, backend_error,
 * backend_timeout, key_not_found, signature_verification_failed) and never as a signature.
 */
export interface KeyBackend {
  readonly kind: string;
  listKeys(): Promise<readonly BackendKey[]>;
  getPublicKey(key: KeyRef): Promise<Uint8Array>;
  /** Ed25519 over the raw message (not a hash). Returns the 64-byte signature. */
  signEd25519(key: KeyRef, message: Uint8Array, options?: SignOptions): Promise<Uint8Array>;
  /** ECDSA secp256k1 over a 32-byte digest. Verified against the key's public key before it is returned. */
  signSecp256k1(key: KeyRef, digest: Uint8Array, options?: SignOptions): Promise<Secp256k1Signature>;
  /**
   * Optional: creates a new signing key inside the backend (its private key never leaves it) and returns it as
   * `listKeys` reports it. Backends that cannot create keys (or whose operator creates them elsewhere) leave it out;
   * `openkms keys generate --backend` then says so. Never called by the signing path.
   */
  generateKey?(request: GenerateKeyRequest): Promise<BackendKey>;
  /** Where the last signature for `key` would be made; used in audit records. */
  provenance?(key: KeyRef): SignProvenance;
  health(): Promise<BackendHealth>;
  close(): Promise<void>;
}
