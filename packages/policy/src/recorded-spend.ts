import { openKmsError, parseAmount } from '@openkms/core';

/** The parts of an audit record's intent that say what an accepted signature spent. */
export interface RecordedIntent {
  /** The amounts moved per asset (bounded audit records store them complete on accepted signatures). */
  readonly totals?: readonly { readonly asset: string; readonly amount: string | bigint }[];
  /** Records written before records were bounded: the transfers themselves. */
  readonly transfers?: readonly { readonly asset: string; readonly amount: string | bigint }[];
  readonly totals_complete?: boolean;
  /** Who signs: a fee whose `payer` is the signer counts as spend, as it did when the signature was allowed. */
  readonly signer?: string;
  readonly fees?: readonly { readonly asset: string; readonly amount: string | bigint; readonly payer?: string }[];
  /** How many fees the full intent had (a record that kept fewer cannot be restored exactly). */
  readonly counts?: { readonly fees?: number };
}

/**
 * What an accepted signature counted against the key's windows, per asset, read back from its audit record: the
 * transfers (`totals`, else `transfers`) plus the fees the signer itself pays — exactly what the engine reserved
 * when it allowed the signature (see ownFeeSpend). An unreadable amount, incomplete totals or a cut fee list throw
 * `config_invalid` with the path (relative to the intent): a restored counter is never lower than what was signed.
 */
export function recordedSpend(intent: RecordedIntent | null | undefined): Map<string, bigint> {
  const spend = new Map<string, bigint>();
  if (intent === null || intent === undefined) return spend;
  if (intent.totals_complete === false) throw openKmsError('config_invalid', 'incomplete totals', { path: 'totals_complete' });
  const add = (path: string, t: { readonly asset: unknown; readonly amount: unknown }) => {
    const amount = typeof t.amount === 'bigint' ? t.amount : typeof t.amount === 'string' ? parseAmount(t.amount) : undefined;
    if (amount === undefined || amount < 0n || typeof t.asset !== 'string') throw openKmsError('config_invalid', 'unreadable amount', { path });
    spend.set(t.asset, (spend.get(t.asset) ?? 0n) + amount);
  };
  const listName = intent.totals ? 'totals' : 'transfers';
  (intent.totals ?? intent.transfers ?? []).forEach((t, i) => add(`${listName}[${i}].amount`, t));
  const fees = intent.fees ?? [];
  if (typeof intent.counts?.fees === 'number' && intent.counts.fees > fees.length)
    throw openKmsError('config_invalid', `the record kept ${fees.length} of ${intent.counts.fees} fees`, { path: 'fees' });
  fees.forEach((f, i) => {
    if (f.payer !== undefined && f.payer === intent.signer) add(`fees[${i}].amount`, f);
  });
  return spend;
}
