import type { ErrorContext, Intent } from '@openkms/core';
import type { DecisionLike } from './ports.js';

/** The facts of a failing rule that go into a 403/429 body: scalars and lists of strings only (never nested data). */
const FACTS = [
  'asset',
  'cap',
  'attempted',
  'spent',
  'remaining',
  'retry_after_secs',
  'limit',
  'used',
  'window_secs',
  'program',
  'type_url',
  'recipient',
  'via',
  'contract',
  'method',
  'key_chain',
  'intent_chain',
  'kill_switch',
  'policy_enabled',
  'uncapped',
  'violations',
] as const;

/**
 * The structured detail of a denial, in the shape `POST /policy/{label}/explain` shows the failing rule: `rule` and
 * that rule's facts (`asset`, `cap`, `attempted`, `spent`, `remaining`, `retry_after_secs`, … as applicable). For a
 * limited decision `retry_after_secs` is the decision's (the largest wait of all failing rules, as in Retry-After).
 */
export function denialDetails(d: DecisionLike): Record<string, ErrorContext[string]> {
  const verdict = d.rules.find((r) => r.rule === d.rule && !r.ok) ?? d.rules.find((r) => !r.ok);
  const out: Record<string, ErrorContext[string]> = {};
  if (verdict === undefined) return out;
  out.rule = verdict.rule;
  const detail = (verdict.detail ?? {}) as Record<string, unknown>;
  for (const key of FACTS) {
    const v = detail[key];
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[key] = v;
    else if (Array.isArray(v) && v.every((x) => typeof x === 'string')) out[key] = v as string[];
  }
  if (d.retryAfterSeconds !== undefined) out.retry_after_secs = d.retryAfterSeconds;
  return out;
}

/** Longest rendering of one decoded call in a denial's details (characters); longer ones are cut with `…`. */
const CALL_LIMIT = 512;

/**
 * The contract calls of an intent that a registered ABI decoded (REST gateway contracts), for a denial's details:
 * `contract_calls`, one string each, `<contract name>.<signature> <arguments as JSON>` (e.g.
 * `token.transfer(address,uint256) {"to":"0x7099…","value":"250"}`), at most 16. Empty when there are none.
 */
export function registeredCallDetails(intent: Intent): Record<string, ErrorContext[string]> {
  const calls = intent.contracts
    .filter((c) => c.contractName !== undefined && c.signature !== undefined)
    .slice(0, 16)
    .map((c) => {
      const text = `${c.contractName}.${c.signature}${c.args === undefined ? '' : ` ${JSON.stringify(c.args)}`}`;
      return text.length > CALL_LIMIT ? `${text.slice(0, CALL_LIMIT)}…` : text;
    });
  return calls.length === 0 ? {} : { contract_calls: calls };
}
