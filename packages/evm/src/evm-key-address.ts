import { secp256k1 } from '@noble/curves/secp256k1.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { ErrorCode, openKmsError } from '@openkms/core';

/** An EVM address as viem types it: `0x` + 40 hex digits. */
export type EvmAddressString = `0x${string}`;

/** True for a 33-byte compressed SEC1 secp256k1 public key that is a valid curve point. */
export function isCompressedSecp256k1(publicKey: Uint8Array): boolean {
  if (publicKey.length !== 33 || (publicKey[0] !== 2 && publicKey[0] !== 3)) return false;
  try {
    secp256k1.Point.fromBytes(publicKey).assertValidity();
    return true;
  } catch {
    return false;
  }
}

/**
 * The EIP-55 checksummed address of a compressed secp256k1 public key (keccak256 of the uncompressed point, last 20
 * bytes). Computed with @noble/* (not viem, which takes ~400 ms to load): it runs at startup for every EVM key, and
 * the plugin entry must stay light. Tests check it against viem's getAddress.
 */
export function evmAddress(publicKey: Uint8Array): EvmAddressString {
  if (!isCompressedSecp256k1(publicKey)) {
    throw openKmsError(ErrorCode.wrongChain, 'an EVM key is a 33-byte compressed secp256k1 public key', { length: publicKey.length });
  }
  const uncompressed = secp256k1.Point.fromBytes(publicKey).toBytes(false);
  const lower = bytesToHex(keccak_256(uncompressed.subarray(1)).subarray(12));
  // EIP-55: a letter is upper case when the matching nibble of keccak256(lower-case hex) is 8 or more
  const hash = bytesToHex(keccak_256(utf8ToBytes(lower)));
  let out = '0x';
  for (let i = 0; i < 40; i++) out += parseInt(hash[i]!, 16) >= 8 ? lower[i]!.toUpperCase() : lower[i]!;
  return out as EvmAddressString;
}
