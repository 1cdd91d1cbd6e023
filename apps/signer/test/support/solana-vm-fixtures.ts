import { address, lamports, none, getTransactionDecoder } from '@solana/kit';
import type { Address } from '@solana/kit';
import { ADDRESS_LOOKUP_TABLE_PROGRAM_ADDRESS, getAddressLookupTableEncoder } from '@solana-program/address-lookup-table';
import { AccountState, TOKEN_PROGRAM_ADDRESS, findAssociatedTokenPda, getMintEncoder, getTokenEncoder } from '@solana-program/token';
import { FailedTransactionMetadata } from 'litesvm';
import type { LiteSVM } from 'litesvm';

/** Helpers that put real program accounts into a LiteSVM (built with the programs' own encoders) and execute signed bytes. */

/** Writes an address lookup table account (as the ALT program stores it) holding `entries`, usable from the next slot. */
export function setLookupTable(svm: LiteSVM, table: string, entries: readonly string[]): void {
  const data = getAddressLookupTableEncoder().encode({
    deactivationSlot: 2n ** 64n - 1n,
    lastExtendedSlot: 0n,
    lastExtendedSlotStartIndex: 0,
    authority: none(),
    addresses: entries.map((e) => address(e)),
  });
  svm.setAccount({
    address: address(table),
    data: Uint8Array.from(data),
    executable: false,
    lamports: lamports(svm.minimumBalanceForRentExemption(BigInt(data.length))),
    programAddress: ADDRESS_LOOKUP_TABLE_PROGRAM_ADDRESS,
    space: BigInt(data.length),
  });
  svm.warpToSlot(svm.getClock().slot + 2n);
}

/** Writes an SPL Token mint with `decimals`. */
export function setMint(svm: LiteSVM, mint: string, decimals: number, supply: bigint): void {
  const data = Uint8Array.from(getMintEncoder().encode({ mintAuthority: none(), supply, decimals, isInitialized: true, freezeAuthority: none() }));
  svm.setAccount({
    address: address(mint),
    data,
    executable: false,
    lamports: lamports(svm.minimumBalanceForRentExemption(BigInt(data.length))),
    programAddress: TOKEN_PROGRAM_ADDRESS,
    space: BigInt(data.length),
  });
}

/** The associated token account of `owner` for `mint` (SPL Token). */
export async function ata(owner: string, mint: string): Promise<Address> {
  return (await findAssociatedTokenPda({ owner: address(owner), mint: address(mint), tokenProgram: TOKEN_PROGRAM_ADDRESS }))[0];
}

/** Writes `owner`'s associated token account for `mint` holding `amount`; returns its address. */
export async function setTokenAccount(svm: LiteSVM, owner: string, mint: string, amount: bigint): Promise<Address> {
  const account = await ata(owner, mint);
  const data = Uint8Array.from(
    getTokenEncoder().encode({
      mint: address(mint),
      owner: address(owner),
      amount,
      delegate: none(),
      state: AccountState.Initialized,
      isNative: none(),
      delegatedAmount: 0n,
      closeAuthority: none(),
    }),
  );
  svm.setAccount({
    address: account,
    data,
    executable: false,
    lamports: lamports(svm.minimumBalanceForRentExemption(BigInt(data.length))),
    programAddress: TOKEN_PROGRAM_ADDRESS,
    space: BigInt(data.length),
  });
  return account;
}

/** The token balance of an SPL token account (bytes 64..72), or undefined when it does not exist. */
export function tokenBalance(svm: LiteSVM, account: string): bigint | undefined {
  const a = svm.getAccount(address(account));
  if (!a.exists) return undefined;
  return Buffer.from(a.data).readBigUInt64LE(64);
}

/** A wire transaction: the signature count, the signatures (base64, in slot order), then the signed message bytes. */
export function wireTransaction(messageBytes: Uint8Array, ...signaturesB64: string[]): Uint8Array {
  const sigs = signaturesB64.map((b) => Buffer.from(b, 'base64'));
  return Uint8Array.from([sigs.length, ...Buffer.concat(sigs), ...messageBytes]);
}

/** Executes wire bytes in the VM; throws with the VM's logs when the transaction fails. */
export function execute(svm: LiteSVM, wire: Uint8Array): void {
  const result = svm.sendTransaction(getTransactionDecoder().decode(wire));
  if (result instanceof FailedTransactionMetadata) throw new Error(`transaction failed: ${result.toString()}`);
}
