import type { InstructionFacts } from './instructions/instruction-facts.js';

/** Solana's base fee per signature, in lamports. */
export const LAMPORTS_PER_SIGNATURE = 5000n;
/** The runtime's default compute unit limit per instruction when no SetComputeUnitLimit is given. */
export const DEFAULT_INSTRUCTION_COMPUTE_UNIT_LIMIT = 200_000;
/** The runtime's maximum compute units per transaction. */
export const MAX_COMPUTE_UNIT_LIMIT = 1_400_000;

/** The fee a transaction pays, and how it was computed. */
export interface TransactionFee {
  readonly baseFee: bigint;
  readonly priorityFee: bigint;
  readonly computeUnitLimit: number;
  readonly computeUnitPriceMicroLamports: bigint;
  readonly total: bigint;
}

/**
 * The transaction fee in lamports: base fee (5000 × required signatures) plus the priority fee
 * ceil(unit price in micro-lamports × unit limit / 1e6). Without SetComputeUnitLimit the limit is the runtime's
 * default, 200 000 per instruction other than Compute Budget ones, at most 1 400 000 (an upper bound: builtin
 * programs are given less, so the fee is never under-estimated).
 */
export function transactionFee(
  numRequiredSignatures: number,
  instructions: readonly InstructionFacts[],
  programs: readonly string[],
  computeBudgetProgram: string,
): TransactionFee {
  const limitIx = instructions.find((f) => f.computeUnitLimit !== undefined);
  const priceIx = instructions.find((f) => f.computeUnitPriceMicroLamports !== undefined);
  const others = programs.filter((p) => p !== computeBudgetProgram).length;
  const computeUnitLimit = Math.min(limitIx?.computeUnitLimit ?? DEFAULT_INSTRUCTION_COMPUTE_UNIT_LIMIT * others, MAX_COMPUTE_UNIT_LIMIT);
  const price = priceIx?.computeUnitPriceMicroLamports ?? 0n;
  const priorityFee = (price * BigInt(computeUnitLimit) + 999_999n) / 1_000_000n;
  const baseFee = BigInt(numRequiredSignatures) * LAMPORTS_PER_SIGNATURE;
  return { baseFee, priorityFee, computeUnitLimit, computeUnitPriceMicroLamports: price, total: baseFee + priorityFee };
}
