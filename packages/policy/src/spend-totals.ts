import type { Intent } from '@openkms/core';

/** One amount that counts as the key's spend: a transfer, or a fee the signer itself pays. */
export interface SpendFact {
  readonly asset: string;
  readonly amount: bigint;
}

/**
 * Fees that count as spend: those whose `payer` is the intent's signer (a plugin sets `payer` when it knows who
 * pays, e.g. Cosmos; fees without a payer only meet `fee_caps`). Read defensively: a non-bigint amount is skipped
 * here because the `decodable` rule already denies the intent.
 */
export function ownFeeSpend(intent: Intent): SpendFact[] {
  return (intent.fees ?? [])
    .filter((f) => f.payer !== undefined && f.payer === intent.signer && typeof f.amount === 'bigint' && f.amount >= 0n)
    .map((f) => ({ asset: String(f.asset), amount: f.amount }));
}
