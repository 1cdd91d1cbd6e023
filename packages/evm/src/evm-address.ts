import { isAddress } from 'viem/utils';
import type { Address } from 'viem';
import { ErrorCode, openKmsError } from '@openkms/core';

// the key-address functions live in evm-key-address.ts (light: no viem), for the plugin entry
export { evmAddress, isCompressedSecp256k1 } from './evm-key-address.js';

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
