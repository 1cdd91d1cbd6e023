/**
 * TEST-ONLY software KeyBackend. Never use it outside tests.
 *
 * It keeps private keys in process memory (ed25519 and secp256k1 via @noble/curves) so chain plugins and the
 * signer app can be exercised end to end without a YubiHSM2. A production backend keeps keys inside hardware;
 * this one exists only so tests can produce real signatures that real chain runtimes accept. Its health()
 * reports `simulated: true`.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
// Relative import on purpose: @openkms/core devDepends on this tooling package, so depending on core here
// would make a workspace cycle. The path resolves to the same module instance as `@openkms/core`.
import { ErrorCode, openKmsError } from '../../packages/core/src/index.js';
import type { BackendHealth, BackendKey, Curve, KeyBackend, KeyRef, Secp256k1Signature, SignProvenance } from '../../packages/core/src/index.js';

/** One test key: an ed25519 32-byte seed or a secp256k1 32-byte private key. */
export type SoftwareKeySpec =
  | { readonly id: string; readonly curve: 'ed25519'; readonly seed: Uint8Array; readonly label?: string }
  | { readonly id: string; readonly curve: 'secp256k1'; readonly privateKey: Uint8Array; readonly label?: string };

export interface SoftwareKeyBackend extends KeyBackend {
  readonly kind: 'software-test';
  /** Number of signatures made so far, per key id (handy for asserting that a denied request never signed). */
  signCount(id: string): number;
}

interface HeldKey {
  readonly id: string;
  readonly curve: Curve;
  readonly secret: Uint8Array;
  readonly publicKey: Uint8Array;
  readonly label?: string;
  signs: number;
}

/** Creates a TEST-ONLY in-memory backend holding the given keys. */
export function createSoftwareKeyBackend(specs: readonly SoftwareKeySpec[]): SoftwareKeyBackend {
  const keys = new Map<string, HeldKey>();
  for (const spec of specs) {
    if (keys.has(spec.id)) throw new TypeError(`duplicate test key id ${spec.id}`);
    const secret = spec.curve === 'ed25519' ? spec.seed : spec.privateKey;
    if (secret.length !== 32) throw new TypeError(`test key ${spec.id}: secret must be 32 bytes`);
    const publicKey = spec.curve === 'ed25519' ? ed25519.getPublicKey(secret) : secp256k1.getPublicKey(secret, true);
    keys.set(spec.id, {
      id: spec.id,
      curve: spec.curve,
      secret: Uint8Array.from(secret),
      publicKey,
      ...(spec.label === undefined ? {} : { label: spec.label }),
      signs: 0,
    });
  }
  let closed = false;

  function find(ref: KeyRef, curve?: Curve): HeldKey {
    if (closed) throw openKmsError(ErrorCode.backendUnavailable, 'software test backend is closed');
    const key = keys.get(ref.id);
    if (key === undefined) throw openKmsError(ErrorCode.keyNotFound, 'no such key in the software test backend', { key_id: ref.id });
    if (curve !== undefined && key.curve !== curve) {
      throw openKmsError(ErrorCode.backendError, `key is not a ${curve} key`, { key_id: ref.id, curve: key.curve });
    }
    return key;
  }

  return {
    kind: 'software-test',
    async listKeys(): Promise<readonly BackendKey[]> {
      if (closed) throw openKmsError(ErrorCode.backendUnavailable, 'software test backend is closed');
      return [...keys.values()].map((k) => ({
        id: k.id,
        curve: k.curve,
        publicKey: Uint8Array.from(k.publicKey),
        ...(k.label === undefined ? {} : { backendLabel: k.label }),
      }));
    },
    async getPublicKey(ref: KeyRef): Promise<Uint8Array> {
      return Uint8Array.from(find(ref).publicKey);
    },
    async signEd25519(ref: KeyRef, message: Uint8Array): Promise<Uint8Array> {
      const key = find(ref, 'ed25519');
      const signature = ed25519.sign(message, key.secret);
      key.signs++;
      return signature;
    },
    async signSecp256k1(ref: KeyRef, digest: Uint8Array): Promise<Secp256k1Signature> {
      const key = find(ref, 'secp256k1');
      if (digest.length !== 32) throw openKmsError(ErrorCode.backendError, 'secp256k1 digest must be 32 bytes', { length: digest.length });
      // RFC 6979 deterministic nonce, low-S normalised, over the digest as given (no extra hashing).
      const recovered = secp256k1.sign(digest, key.secret, { prehash: false, lowS: true, format: 'recovered' });
      const parsed = secp256k1.Signature.fromBytes(recovered, 'recovered');
      const signature = parsed.toBytes('compact');
      if (!secp256k1.verify(signature, digest, key.publicKey, { prehash: false, lowS: true })) {
        throw openKmsError(ErrorCode.signatureVerificationFailed, 'software test backend made a bad signature');
      }
      const recovery = parsed.recovery;
      if (recovery !== 0 && recovery !== 1) throw openKmsError(ErrorCode.backendError, 'unexpected recovery id');
      key.signs++;
      return { signature, recovery };
    },
    provenance(ref: KeyRef): SignProvenance {
      return { device: 'software-test', keyId: ref.id };
    },
    async health(): Promise<BackendHealth> {
      return { up: !closed, simulated: true, detail: { keys: keys.size } };
    },
    async close(): Promise<void> {
      closed = true;
      for (const k of keys.values()) k.secret.fill(0);
    },
    signCount(id: string): number {
      return keys.get(id)?.signs ?? 0;
    },
  };
}
