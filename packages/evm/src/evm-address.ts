import { secp256k1 } from '@noble/curves/secp256k1.js';
import { getAddress, isAddress, keccak256 } from 'viem';
import type { Address } from 'viem';
import { ErrorCode, openKmsError } from '@openkms/core';

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

/** The EIP-55 checksummed address of a compressed secp256k1 public key (keccak256 of the uncompressed point, last 20 bytes). */
export function evmAddress(publicKey: Uint8Array): Address {
  if (!isCompressedSecp256k1(publicKey)) {
    throw openKmsError(ErrorCode.wrongChain, 'an EVM key is a 33-byte compressed secp256k1 public key', { length: publicKey.length });
  }
  const uncompressed = secp256k1.Point.fromBytes(publicKey).toBytes(false);
  return getAddress(`0x${keccak256(uncompressed.subarray(1)).slice(-40)}`);
}

/**
 * Reads an address from a request field: `0x` + 40 hex digits; mixed case must be a valid EIP-55 checksum
 * (a wrong checksum is a typo, never silently accepted). Returns the lower-case form the intent uses.
 */
export function readAddress(value: unknown, field: string): Address {
  if (typeof value !== 'string' || !/^0x[0-9a-fA-F]{40}$/.test(value)) {
    throw openKmsError(ErrorCode.invalidRequest, `${field} must be an address (0x + 40 hex digits)`, { field });
  }
  if (!isAddress(value, { strict: true })) {
    throw openKmsError(ErrorCode.invalidRequest, `${field} has an invalid EIP-55 checksum`, { field });
  }
  return value.toLowerCase() as Address;
}

/** Lower-case form of an address, as every EVM intent carries it. */
export function lowerAddress(address: string): Address {
  return address.toLowerCase() as Address;
}
