import {
  address,
  appendTransactionMessageInstructions,
  blockhash as toBlockhash,
  compileTransaction,
  compressTransactionMessageUsingAddressLookupTables,
  createNoopSigner,
  createTransactionMessage,
  pipe,
  setTransactionMessageFeePayer,
  setTransactionMessageLifetimeUsingBlockhash,
} from '@solana/kit';
import type { Address, Instruction, TransactionSigner } from '@solana/kit';

/** A signer placeholder for an address whose signature comes from elsewhere (the HSM, through the signer). */
export const noopSigner = (a: string): TransactionSigner => createNoopSigner(address(a));

/**
 * Compiles instructions into message bytes with @solana/kit: legacy, or v0 (optionally compressed through lookup
 * tables `table → addresses`, so accounts found in them are loaded by index instead of stored in the message).
 */
export function compileMessage(opts: {
  feePayer: string;
  blockhash: string;
  instructions: readonly Instruction[];
  version?: 'legacy' | 0;
  tables?: Readonly<Record<string, readonly string[]>>;
}): Uint8Array {
  const base = pipe(
    createTransactionMessage({ version: opts.version ?? 0 }),
    (m) => setTransactionMessageFeePayer(address(opts.feePayer), m),
    (m) => setTransactionMessageLifetimeUsingBlockhash({ blockhash: toBlockhash(opts.blockhash), lastValidBlockHeight: 1_000_000n }, m),
    (m) => appendTransactionMessageInstructions(opts.instructions, m),
  );
  const tables: Record<Address, Address[]> = {};
  for (const [t, entries] of Object.entries(opts.tables ?? {})) tables[address(t)] = entries.map((e) => address(e));
  const message = opts.tables ? compressTransactionMessageUsingAddressLookupTables(base as never, tables) : base;
  return Uint8Array.from(compileTransaction(message as Parameters<typeof compileTransaction>[0]).messageBytes);
}
