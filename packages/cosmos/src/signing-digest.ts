import { keccak_256 } from '@noble/hashes/sha3.js';
import { sha256 } from '@noble/hashes/sha2.js';
import type { PubkeyType } from './pubkey-types.js';

/** The 32-byte digest a chain verifies for this key type: keccak256 for Ethermint-style keys, sha256 otherwise. */
export function signingDigest(signBytes: Uint8Array, type: PubkeyType): Uint8Array {
  return type.ethStyle ? keccak_256(signBytes) : sha256(signBytes);
}
