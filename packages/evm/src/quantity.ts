import { ErrorCode, openKmsError } from '@openkms/core';

const DECIMAL = /^(0|[1-9][0-9]*)$/;
const HEX = /^0x[0-9a-fA-F]+$/;

/**
 * Reads an unsigned integer given as a decimal string (`"21000"`), a `0x` hex string (`"0x5208"`), a JSON safe
 * integer or a bigint, and checks it fits in `bits` bits. Anything else is `invalid_request` naming `field`
 * (or, with `soft`, undefined).
 */
export function parseQuantity(value: unknown, field: string, bits = 256, soft = false): bigint | undefined {
  let n: bigint | undefined;
  if (typeof value === 'bigint') n = value;
  else if (typeof value === 'number' && Number.isSafeInteger(value)) n = BigInt(value);
  else if (typeof value === 'string' && value.length <= 80 && (DECIMAL.test(value) || HEX.test(value))) n = BigInt(value);
  if (n === undefined || n < 0n || n >= 1n << BigInt(bits)) {
    if (soft) return undefined;
    throw openKmsError(ErrorCode.invalidRequest, `${field} must be an unsigned ${bits}-bit integer (decimal or 0x hex string)`, { field });
  }
  return n;
}

/** {@link parseQuantity} that never returns undefined. */
export function quantity(value: unknown, field: string, bits = 256): bigint {
  return parseQuantity(value, field, bits) as bigint;
}
