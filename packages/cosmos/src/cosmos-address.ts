import { toBech32 } from '@cosmjs/encoding';
import { ErrorCode, openKmsError } from '@openkms/core';
import { ripemd160 } from '@noble/hashes/legacy.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { ethSecp256k1Address } from './eth-secp256k1-address.js';
import type { PubkeyType } from './pubkey-types.js';

export const DEFAULT_BECH32_PREFIX = 'cosmos';
const PREFIX = /^[a-z][a-z0-9]{0,31}$/;

/** True for a 33-byte compressed SEC1 secp256k1 public key (0x02/0x03 prefix). */
export function isCompressedSecp256k1(publicKey: Uint8Array): boolean {
  return publicKey.length === 33 && (publicKey[0] === 0x02 || publicKey[0] === 0x03);
}

/** The bech32 prefix from key options (`bech32_prefix`), else `fallback`. Throws config_invalid on a bad prefix. */
export function bech32PrefixOf(options: Readonly<Record<string, unknown>>, fallback = DEFAULT_BECH32_PREFIX): string {
  const prefix = options['bech32_prefix'] ?? fallback;
  if (typeof prefix !== 'string' || !PREFIX.test(prefix)) {
    throw openKmsError(ErrorCode.configInvalid, 'bech32_prefix must be lower-case letters and digits, starting with a letter', {
      field: 'bech32_prefix',
    });
  }
  return prefix;
}

/** Cosmos account address: bech32(prefix, ripemd160(sha256(compressed public key))). */
export function cosmosAddress(publicKey: Uint8Array, prefix: string = DEFAULT_BECH32_PREFIX): string {
  if (!isCompressedSecp256k1(publicKey)) throw new TypeError('a Cosmos account key is a 33-byte compressed secp256k1 key');
  return toBech32(prefix, ripemd160(sha256(publicKey)));
}

/** The account address of a key of public-key type `type`: the keccak address for Ethermint-style keys. */
export function accountAddress(publicKey: Uint8Array, prefix: string, type: PubkeyType): string {
  if (!isCompressedSecp256k1(publicKey)) throw new TypeError('a Cosmos account key is a 33-byte compressed secp256k1 key');
  return type.ethStyle ? ethSecp256k1Address(publicKey, prefix) : cosmosAddress(publicKey, prefix);
}
