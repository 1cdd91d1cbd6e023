import { ErrorCode, openKmsError } from '@openkms/core';
import type { SolanaMessage } from './message-decoder.js';
import type { LoadedAddresses } from './lookup-table-resolver.js';

/** One account of a message's full account list, with its role. */
export interface ResolvedAccount {
  readonly address: string;
  readonly signer: boolean;
  readonly writable: boolean;
  /** True when the address came from a lookup table (resolved from a trusted source). */
  readonly fromLookupTable: boolean;
}

/**
 * The full account list the runtime sees: static keys (roles from the header), then the writable and read-only
 * addresses loaded from lookup tables. An address present twice (static and loaded, or loaded twice) is refused
 * with `decode_failed`, as the runtime refuses it.
 */
export function resolveAccounts(message: SolanaMessage, loaded: LoadedAddresses, field: string): ResolvedAccount[] {
  const { numRequiredSignatures: signers, numReadonlySignedAccounts: roSigners, numReadonlyUnsignedAccounts: roUnsigned } = message.header;
  const n = message.staticAccounts.length;
  const accounts: ResolvedAccount[] = message.staticAccounts.map((address, i) => ({
    address,
    signer: i < signers,
    writable: i < signers ? i < signers - roSigners : i < n - roUnsigned,
    fromLookupTable: false,
  }));
  for (const address of loaded.writable) accounts.push({ address, signer: false, writable: true, fromLookupTable: true });
  for (const address of loaded.readonly) accounts.push({ address, signer: false, writable: false, fromLookupTable: true });
  const seen = new Set<string>();
  accounts.forEach((a, index) => {
    if (seen.has(a.address)) {
      throw openKmsError(ErrorCode.decodeFailed, 'an account appears twice (static key and lookup table, or two lookups)', {
        field,
        index,
        address: a.address,
      });
    }
    seen.add(a.address);
  });
  return accounts;
}
