import { createHash } from 'node:crypto';
import { summarizeIntent, type Intent, type IntentSummary } from '@openkms/core';
import { canonicalJson } from './canonical-json.js';

/** Items of each list an audit record keeps (transfers, fees, programs, rule details, …); the rest is counted. */
export const AUDIT_LIST_LIMIT = 16;
/** Longest string an audit record keeps from request-derived data (characters); longer ones are cut with `…`. */
export const AUDIT_STRING_LIMIT = 512;

/** How many of each list the full intent had. */
export interface AuditIntentCounts {
  readonly programs: number;
  readonly message_types: number;
  readonly contracts: number;
  readonly transfers: number;
  readonly fees: number;
}

/**
 * What an audit record stores of an intent: bounded, whatever the request's size. The lists keep their first
 * AUDIT_LIST_LIMIT items; `counts` says how many there were; `totals` is the amount moved per asset (decimal
 * strings, first-seen order); `sha256` is the hex SHA-256 of the canonical JSON of the full IntentSummary, so a
 * record can be matched with the full intent (`explain` shows it) without storing it.
 *
 * `totals` and `fees` are complete on records of accepted signatures (`completeTotals`: restore rebuilds the
 * rolling spend from them, fees the signer pays included). Elsewhere it keeps the first AUDIT_LIST_LIMIT assets and `totals_complete` is false when more existed.
 */
export interface AuditIntent extends IntentSummary {
  readonly counts: AuditIntentCounts;
  readonly totals: readonly { readonly asset: string; readonly amount: string }[];
  readonly totals_complete?: false;
  readonly sha256: string;
}

/** Hex SHA-256 of the canonical JSON of the full intent summary. */
export function intentSha256(summary: IntentSummary): string {
  return createHash('sha256').update(canonicalJson(summary), 'utf8').digest('hex');
}

const cut = (s: string): string => (s.length > AUDIT_STRING_LIMIT ? `${s.slice(0, AUDIT_STRING_LIMIT)}…` : s);

/** The bounded form of `intent` for an audit record (see AuditIntent). */
export function auditIntent(intent: Intent, opts: { completeTotals: boolean }): AuditIntent {
  const full = summarizeIntent(intent);
  const totals = new Map<string, bigint>();
  for (const t of intent.transfers) totals.set(t.asset, (totals.get(t.asset) ?? 0n) + t.amount);
  const totalList = [...totals].map(([asset, amount]) => ({ asset, amount: amount.toString() }));
  const keptTotals = opts.completeTotals ? totalList : totalList.slice(0, AUDIT_LIST_LIMIT);
  const first = <T>(list: readonly T[], map: (t: T) => T): T[] => list.slice(0, AUDIT_LIST_LIMIT).map(map);
  return {
    chain: full.chain,
    ...(full.network === undefined ? {} : { network: cut(full.network) }),
    signer: cut(full.signer),
    programs: first(full.programs, cut),
    message_types: first(full.message_types, cut),
    contracts: first(full.contracts, (c) => ({
      contract: cut(c.contract),
      ...(c.method === undefined ? {} : { method: cut(c.method) }),
      ...(c.selector === undefined ? {} : { selector: cut(c.selector) }),
      via: cut(c.via),
      ...(c.contract_name === undefined ? {} : { contract_name: cut(c.contract_name) }),
      ...(c.signature === undefined ? {} : { signature: cut(c.signature) }),
      ...(c.args === undefined ? {} : { args: boundAuditValue(c.args, 6) as Record<string, unknown> }),
    })),
    transfers: first(full.transfers, (t) => ({
      asset: cut(t.asset),
      amount: t.amount,
      from: cut(t.from),
      to: cut(t.to),
      via: cut(t.via),
      ...(t.channel === undefined ? {} : { channel: cut(t.channel) }),
    })),
    // complete on accepted signatures like totals: the fees the signer pays count as its spend on restore
    fees: (opts.completeTotals ? full.fees : full.fees.slice(0, AUDIT_LIST_LIMIT)).map((f) => ({
      asset: cut(f.asset),
      amount: f.amount,
      ...(f.payer === undefined ? {} : { payer: cut(f.payer) }),
    })),
    flags: full.flags,
    ...(full.notes === undefined ? {} : { notes: first(full.notes, cut) }),
    ...(full.memos === undefined ? {} : { memos: first(full.memos, cut) }),
    counts: {
      programs: full.programs.length,
      message_types: full.message_types.length,
      contracts: full.contracts.length,
      transfers: full.transfers.length,
      fees: full.fees.length,
    },
    totals: keptTotals,
    ...(keptTotals.length < totalList.length ? { totals_complete: false as const } : {}),
    sha256: intentSha256(full),
  };
}

/**
 * A bounded copy of plain JSON data (rule verdicts, details): arrays keep their first AUDIT_LIST_LIMIT items (an
 * object member `k` that was cut gets a sibling `k_count` with the full length), strings their first
 * AUDIT_STRING_LIMIT characters, objects their first 4 × AUDIT_LIST_LIMIT members (`_members_count` then says how many), and nesting stops at `maxDepth` (deeper values become null).
 */
export function boundAuditValue(value: unknown, maxDepth = 8): unknown {
  if (typeof value === 'string') return cut(value);
  if (value === null || typeof value !== 'object') return value;
  if (maxDepth <= 0) return null;
  if (Array.isArray(value)) return value.slice(0, AUDIT_LIST_LIMIT).map((v) => boundAuditValue(v, maxDepth - 1));
  const out: Record<string, unknown> = {};
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length > 4 * AUDIT_LIST_LIMIT) out['_members_count'] = entries.length;
  for (const [k, v] of entries.slice(0, 4 * AUDIT_LIST_LIMIT)) {
    out[cut(k)] = boundAuditValue(v, maxDepth - 1);
    if (Array.isArray(v) && v.length > AUDIT_LIST_LIMIT) out[`${cut(k)}_count`] = v.length;
  }
  return out;
}
