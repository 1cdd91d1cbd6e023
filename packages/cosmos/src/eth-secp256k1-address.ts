import { Secp256k1 } from '@cosmjs/crypto';
import { toBech32 } from '@cosmjs/encoding';
import { keccak_256 } from '@noble/hashes/sha3.js';

/**
 * Ethermint-style account address (Ethermint, Evmos, Injective, …): bech32(prefix, last 20 bytes of
 * keccak256(uncompressed public key without its 0x04 prefix)) — the Ethereum address of the key.
 */
export function ethSecp256k1Address(compressedPublicKey: Uint8Array, prefix: string): string {
  const uncompressed = Secp256k1.uncompressPubkey(compressedPublicKey);
  return toBech32(prefix, keccak_256(uncompressed.subarray(1)).subarray(12));
}
