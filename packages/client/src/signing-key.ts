import type { Key } from './api-types.js';
import type { OpenKmsClient } from './openkms-client.js';
import { ClientErrorCode, OpenKmsError } from './openkms-error.js';

/** A key of GET /keys that an adapter signs with: its chain checked, its address and public key present. */
export interface SigningKey {
  readonly label: string;
  readonly address: string;
  /** The raw public key, base64 (32-byte Ed25519, 33-byte compressed secp256k1). */
  readonly publicKeyB64: string;
  readonly key: Key;
}

/** Looks the label up in GET /keys; `signer_mismatch` for a key of another chain, `key_unavailable` without an address. */
export async function resolveSigningKey(client: OpenKmsClient, label: string, chain: 'solana' | 'cosmos' | 'evm'): Promise<SigningKey> {
  const key = await client.key(label);
  if (key.chain !== chain) {
    throw new OpenKmsError({
      code: ClientErrorCode.signerMismatch,
      message: `key ${label} is a ${key.chain} key, not ${chain}`,
      details: { label, chain: key.chain },
    });
  }
  if (!key.address || !key.public_key_b64) {
    throw new OpenKmsError({
      code: ClientErrorCode.keyUnavailable,
      message: `key ${label} has no address now (the key backend is unreachable or does not hold it)`,
      details: { label },
    });
  }
  return { label, address: key.address, publicKeyB64: key.public_key_b64, key };
}

/** `signer_mismatch` when the chain library asks for a signature of an address that is not the key's. */
export function assertSameAddress(expected: string, asked: string, label: string, caseInsensitive = false): void {
  const same = caseInsensitive ? expected.toLowerCase() === asked.toLowerCase() : expected === asked;
  if (!same) {
    throw new OpenKmsError({
      code: ClientErrorCode.signerMismatch,
      message: `asked to sign for ${asked}, but key ${label} is ${expected}`,
      details: { label, address: expected, requested: asked },
    });
  }
}
