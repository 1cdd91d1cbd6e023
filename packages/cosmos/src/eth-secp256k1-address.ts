import { toBech32 } from '@cosmjs/encoding';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { keccak_256 } from '@noble/hashes/sha3.js';

/**
 * Ethermint-style account address (Ethermint, Evmos, Injective, …): bech32(prefix, last 20 bytes of
 * keccak256(uncompressed public key without its 0x04 prefix)) — the Ethereum address of the key.
 * (@noble/curves, not @cosmjs/crypto: this runs at startup for every key, and @cosmjs/crypto takes ~100 ms to load.)
 */
export function ethSecp256k1Address(compressedPublicKey: Uint8Array, prefix: string): string {
  const uncompressed = secp256k1.Point.fromBytes(compressedPublicKey).toBytes(false);
  return toBech32(prefix, keccak_256(uncompressed.subarray(1)).subarray(12));
}
