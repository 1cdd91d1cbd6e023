import type { ErrorCode, Intent } from '@openkms/core';
import { allowedFlagsRule, contractCallsRule, directContractCalls } from './allowed-contracts.js';
import type { CompiledPolicy } from './compiled-policy.js';
import { isUnidentifiedAsset } from './parse-policy.js';
import type { Decision, DenialKind, RuleVerdict } from './decision.js';
import type { SpendEntry } from './policy-state-store.js';
import { allowedChannels } from './allowed-channels-rule.js';
import { ownFeeSpend } from './spend-totals.js';
import type { SpendFact } from './spend-totals.js';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/** The rolling windows of the sign-count limits, in evaluation order. */
export const RATE_WINDOWS = [
  { field: 'max_signs_per_minute', view: 'per_minute', ms: MINUTE_MS },
  { field: 'max_signs_per_hour', view: 'per_hour', ms: HOUR_MS },
  { field: 'max_signs_per_day', view: 'per_day', ms: DAY_MS },
] as const;

/** Everything a decision depends on besides the intent. */
export interface EvaluationContext {
  readonly label: string;
  /** The chain the key is configured for. */
  readonly chain: string;
  readonly compiled: CompiledPolicy;
  readonly globalEnabled: boolean;
  /** The per-key kill switch (false = disabled by an operator). */
  readonly keySwitchOn: boolean;
  readonly now: number;
  /** Number of reserved and committed signatures of this key within the last `windowMs`. */
  signCount(windowMs: number): number;
  /** Time of the `index`-th oldest of those signatures. */
  signTimeAt(windowMs: number, index: number): number;
  /** Reserved and committed spend of `asset` by this key within the rolling 24 h window. */
  spent(asset: string): bigint;
  /** The entries of that spend, oldest first (read only to say when a denied amount would fit). */
  spends(asset: string): readonly SpendEntry[];
}

/** Evaluates every rule in order and builds the decision. Pure: consumes nothing. */
export function evaluatePolicy(ctx: EvaluationContext, intent: Intent): Decision {
  const facts = intentFacts(intent);
  const rules: RuleVerdict[] = [
    // kill switches
    globalEnabled(ctx),
    keyEnabled(ctx),
    // allowlists and decoding flags
    chainMatches(ctx, intent),
    decodable(facts, intent),
    accountsResolved(facts),
    unknownInstructions(ctx, facts),
    allowedFlagsRule(ctx.compiled.policy.allowed_flags, intent),
    allowedPrograms(ctx, facts),
    allowedInstructions(ctx, facts),
    allowedMessages(ctx, facts),
    allowedRecipients(ctx, facts),
    allowedContracts(ctx, facts),
    allowedMethods(ctx, facts),
    allowedChannels(ctx.compiled.messages, facts.transfers),
    contractCallsRule(ctx.compiled.contracts, intent),
    // per-transaction caps
    uncappedAssets(ctx, facts),
    perTxCaps(ctx, facts),
    messageCaps(ctx, facts),
    feeCaps(ctx, facts),
    // rate limits, then rolling window caps
    ...RATE_WINDOWS.map((w) => signRate(ctx, w.field, w.ms)),
    windowCaps(ctx, facts),
  ];
  const failing = rules.filter((r) => !r.ok);
  const version = ctx.compiled.version;
  if (failing.length === 0) return { allowed: true, kind: 'allow', rules, policyVersion: version };
  const primary = failing.find((r) => r.kind === 'forbidden') ?? failing[0]!;
  const kind = primary.kind ?? 'forbidden';
  const retry = kind === 'limited' ? Math.max(1, ...failing.map((r) => r.retryAfterSeconds ?? 1)) : undefined;
  return {
    allowed: false,
    kind,
    rule: primary.rule,
    code: primary.code ?? 'policy_denied',
    message: primary.message ?? `denied by rule ${primary.rule}`,
    ...(retry === undefined ? {} : { retryAfterSeconds: retry }),
    rules,
    policyVersion: version,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Intent facts, read defensively (a plugin bug must not turn into an allow).

interface TransferFact {
  readonly index: number;
  readonly asset: string;
  readonly amount: bigint;
  readonly to: string;
  readonly via: string;
  readonly channel?: string;
  readonly toOwnedBy?: (owner: string) => boolean;
}

interface ActionFact {
  readonly program: string;
  readonly kind: string;
  readonly known: boolean;
}

interface Facts {
  readonly transfers: readonly TransferFact[];
  /** Transfers plus the fees the signer pays: what per-tx and window caps count. */
  readonly spend: readonly SpendFact[];
  /** The fees the signer pays (part of `spend`). */
  readonly ownFees: readonly SpendFact[];
  readonly fees: readonly { readonly asset: string; readonly amount: bigint }[];
  readonly programs: readonly string[];
  readonly messageTypes: readonly string[];
  readonly contracts: readonly { readonly contract: string; readonly method?: string; readonly via: string }[];
  readonly actions: readonly ActionFact[];
  readonly unknownActions: readonly string[];
  readonly flags: ReadonlySet<string>;
  /** Amounts that are not non-negative bigints: the intent is not trustworthy. */
  readonly badAmounts: readonly string[];
}

function intentFacts(intent: Intent): Facts {
  const badAmounts: string[] = [];
  const amountOf = (v: unknown, where: string): bigint => {
    if (typeof v === 'bigint' && v >= 0n) return v;
    badAmounts.push(where);
    return 0n;
  };
  const transfers = (intent.transfers ?? []).map((t, index) => ({
    index,
    asset: String(t.asset),
    amount: amountOf(t.amount, `transfers[${index}]`),
    to: String(t.to),
    via: String(t.via),
    ...(typeof t.channel === 'string' ? { channel: t.channel } : {}),
    ...(typeof t.toOwnedBy === 'function' ? { toOwnedBy: t.toOwnedBy } : {}),
  }));
  const fees = (intent.fees ?? []).map((f, i) => ({ asset: String(f.asset), amount: amountOf(f.amount, `fees[${i}]`) }));
  const messageTypes = unique(intent.messageTypes ?? []);
  const messageSet = new Set(messageTypes);
  const actions = intent.actions ?? [];
  // every action's program must be allowed, even one the plugin forgot to list in `programs`; message type URLs
  // (which a plugin may list in both `programs` and `messageTypes`) are checked against allowed_messages instead
  // direct contract calls (EVM) are checked against allowed_contracts by the contract_calls rule, not allowed_programs
  const directContracts = new Set(directContractCalls(intent).map((c) => String(c.contract)));
  const programs = unique([...(intent.programs ?? []), ...actions.map((a) => a.program)]).filter((p) => !messageSet.has(p) && !directContracts.has(p));
  const ownFees = ownFeeSpend(intent);
  return {
    transfers,
    spend: [...transfers, ...ownFees],
    ownFees,
    fees,
    programs,
    messageTypes,
    contracts: intent.contracts ?? [],
    actions: actions.map((a) => ({ program: String(a.program), kind: String(a.kind), known: a.known === true })),
    unknownActions: actions.filter((a) => a.known !== true).map((a) => `${a.program}:${a.kind}`),
    flags: new Set(intent.flags ?? []),
    badAmounts,
  };
}

function unique(list: readonly string[]): string[] {
  return [...new Set(list)];
}

function sumBy<T>(items: readonly T[], key: (t: T) => string, amount: (t: T) => bigint): Map<string, bigint> {
  const out = new Map<string, bigint>();
  for (const item of items) out.set(key(item), (out.get(key(item)) ?? 0n) + amount(item));
  return out;
}

/** Asset id → total amount moved by the intent's transfers (never summed across assets). */
export function transferTotals(intent: Intent): Map<string, bigint> {
  return sumBy(
    intentFacts(intent).transfers,
    (t) => t.asset,
    (t) => t.amount,
  );
}

/** Asset id → the intent's spend: transfers plus fees the signer pays (never summed across assets). */
export function spendTotals(intent: Intent): Map<string, bigint> {
  return sumBy(
    intentFacts(intent).spend,
    (t) => t.asset,
    (t) => t.amount,
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Verdict helpers

function pass(rule: string, message?: string, detail?: Record<string, unknown>): RuleVerdict {
  return { rule, ok: true, ...(message === undefined ? {} : { message }), ...(detail === undefined ? {} : { detail }) };
}

function deny(
  rule: string,
  code: ErrorCode,
  message: string,
  detail?: Record<string, unknown>,
  kind: DenialKind = 'forbidden',
  retryAfterSeconds?: number,
): RuleVerdict {
  return {
    rule,
    ok: false,
    code,
    message,
    kind,
    ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
    ...(detail === undefined ? {} : { detail }),
  };
}

/** One verdict from a list of violations: the first one is the message, all are in the detail. */
function fromViolations(rule: string, code: ErrorCode, violations: readonly string[], okMessage: string, detail: Record<string, unknown> = {}): RuleVerdict {
  if (violations.length === 0) return pass(rule, okMessage, Object.keys(detail).length === 0 ? undefined : detail);
  return deny(rule, code, violations[0]!, { ...detail, violations });
}

function retrySeconds(expiresAt: number, now: number): number {
  return Math.max(1, Math.ceil((expiresAt - now) / 1000));
}

// ---------------------------------------------------------------------------------------------------------------
// Rules

function globalEnabled(ctx: EvaluationContext): RuleVerdict {
  return ctx.globalEnabled ? pass('global_enabled') : deny('global_enabled', 'global_disabled', 'signing is disabled globally (kill switch)');
}

function keyEnabled(ctx: EvaluationContext): RuleVerdict {
  const detail = { policy_enabled: ctx.compiled.policy.enabled, kill_switch: ctx.keySwitchOn ? 'on' : 'off' };
  if (!ctx.keySwitchOn) return deny('key_enabled', 'key_disabled', `key ${ctx.label} is disabled (kill switch)`, detail);
  if (!ctx.compiled.policy.enabled) return deny('key_enabled', 'key_disabled', `key ${ctx.label} is disabled by its policy (enabled = false)`, detail);
  return pass('key_enabled', undefined, detail);
}

function chainMatches(ctx: EvaluationContext, intent: Intent): RuleVerdict {
  if (intent.chain === ctx.chain) return pass('chain');
  return deny('chain', 'wrong_chain', `key ${ctx.label} is a ${ctx.chain} key but the transaction is for ${String(intent.chain)}`, {
    key_chain: ctx.chain,
    intent_chain: String(intent.chain),
  });
}

function decodable(facts: Facts, intent: Intent): RuleVerdict {
  if (facts.flags.has('undecodable'))
    return deny('decodable', 'undecodable_denied', 'part of the transaction could not be decoded', { flags: [...facts.flags] });
  if (facts.badAmounts.length > 0) {
    return deny('decodable', 'undecodable_denied', `the decoded transaction has invalid amounts (${facts.badAmounts.join(', ')})`, {
      invalid_amounts: facts.badAmounts,
    });
  }
  if (typeof intent.chain !== 'string') return deny('decodable', 'undecodable_denied', 'the decoded transaction has no chain');
  return pass('decodable');
}

function accountsResolved(facts: Facts): RuleVerdict {
  if (facts.flags.has('unresolved_accounts')) {
    return deny(
      'accounts_resolved',
      'undecodable_denied',
      'the transaction uses accounts that could not be resolved (e.g. an address lookup table that was not supplied)',
    );
  }
  return pass('accounts_resolved');
}

function unknownInstructions(ctx: EvaluationContext, facts: Facts): RuleVerdict {
  const keyWide = ctx.compiled.policy.allow_unknown_instructions;
  const unknown = facts.actions.filter((a) => !a.known);
  // an undecoded action passes only when its own program's entry admits it (or the deprecated key-wide switch)
  const denied = unknown.filter((a) => !keyWide && ctx.compiled.programRules.get(a.program)?.allowUnknown !== true).map((a) => `${a.program}:${a.kind}`);
  const flaggedOnly = unknown.length === 0 && facts.flags.has('unknown_instruction') && !keyWide;
  const detail = { allow_unknown_instructions: keyWide, unknown_actions: facts.unknownActions };
  if (denied.length === 0 && !flaggedOnly) {
    return pass('unknown_instructions', unknown.length === 0 ? undefined : 'unknown instructions admitted by allow_unknown_instructions', detail);
  }
  const what = denied.length > 0 ? denied.join(', ') : 'flagged by the chain plugin';
  return deny(
    'unknown_instructions',
    'unknown_instruction_denied',
    `the transaction contains instructions that could not be decoded (${what}); only allowed_programs[].allow_unknown_instructions = true on their program admits them`,
    { ...detail, denied },
  );
}

/** `allowed_programs[].instructions`: an allowed program restricted to some instruction kinds. */
function allowedInstructions(ctx: EvaluationContext, facts: Facts): RuleVerdict {
  const violations: string[] = [];
  facts.actions.forEach((a, index) => {
    const allowed = ctx.compiled.programRules.get(a.program)?.instructions;
    if (allowed === undefined || !a.known || allowed.has(a.kind)) return;
    violations.push(`instruction #${index} ${a.kind} of program ${a.program} is not in its allowed_programs[].instructions (${[...allowed].join(', ')})`);
  });
  return fromViolations('allowed_instructions', 'instruction_not_allowed', violations, 'every instruction kind is allowed');
}

function allowedPrograms(ctx: EvaluationContext, facts: Facts): RuleVerdict {
  const denied = facts.programs.filter((p) => !ctx.compiled.programs.has(p));
  return fromViolations(
    'allowed_programs',
    'program_not_allowed',
    denied.map((p) => `program ${p} is not in allowed_programs`),
    facts.programs.length === 0 ? 'no programs invoked' : 'all invoked programs are allowed',
    { checked: facts.programs, ...(denied.length === 0 ? {} : { program: denied[0] }) },
  );
}

function allowedMessages(ctx: EvaluationContext, facts: Facts): RuleVerdict {
  const denied = facts.messageTypes.filter((m) => !ctx.compiled.messages.has(m));
  return fromViolations(
    'allowed_messages',
    'message_not_allowed',
    denied.map((m) => `message type ${m} is not in allowed_messages`),
    facts.messageTypes.length === 0 ? 'no messages' : 'all message types are allowed',
    { checked: facts.messageTypes, ...(denied.length === 0 ? {} : { type_url: denied[0] }) },
  );
}

function allowedRecipients(ctx: EvaluationContext, facts: Facts): RuleVerdict {
  const violations: string[] = [];
  let first: TransferFact | undefined;
  for (const t of facts.transfers) {
    const what = `transfer #${t.index} of ${t.amount} ${t.asset} via ${t.via} to ${t.to}`;
    const before = violations.length;
    for (const r of ctx.compiled.recipients) {
      const applies = (r.program === undefined || r.program === t.via) && (r.asset === undefined || assetMatches(r.asset, t.asset));
      if (applies && !recipientIn(t, r.addresses)) violations.push(`recipient not allowed: ${what} is not in allowed_recipients[${r.index}]`);
    }
    const m = ctx.compiled.messages.get(t.via);
    if (m?.recipients !== undefined && !recipientIn(t, m.recipients)) {
      violations.push(`recipient not allowed: ${what} is not in allowed_messages[${m.typeUrl}].allowed_recipients`);
    }
    if (first === undefined && violations.length > before) first = t;
  }
  return fromViolations(
    'allowed_recipients',
    'recipient_not_allowed',
    violations,
    facts.transfers.length === 0 ? 'no transfers' : 'all recipients are allowed',
    first === undefined ? {} : { recipient: first.to, asset: first.asset, attempted: first.amount.toString(), via: first.via },
  );
}

/**
 * A rule about asset `ruleAsset` applies to a transfer of that asset, and to a transfer of an asset the plugin could
 * not identify in the same namespace (`spl:unknown` under a `spl:<mint>` rule): it might be that asset.
 */
function assetMatches(ruleAsset: string, asset: string): boolean {
  return ruleAsset === asset || (isUnidentifiedAsset(asset) && ruleAsset.startsWith(asset.slice(0, asset.indexOf(':') + 1)));
}

/** The recipient is listed itself, or is held for a listed address in the chain's sense (the plugin's `toOwnedBy`). */
function recipientIn(t: TransferFact, addresses: ReadonlySet<string>): boolean {
  if (addresses.has(t.to)) return true;
  const ownedBy = t.toOwnedBy;
  if (ownedBy === undefined) return false;
  for (const a of addresses) {
    try {
      if (ownedBy(a) === true) return true;
    } catch {
      // a failing relation is no match
    }
  }
  return false;
}

function allowedContracts(ctx: EvaluationContext, facts: Facts): RuleVerdict {
  const violations: string[] = [];
  let first: string | undefined;
  for (const c of facts.contracts) {
    const m = ctx.compiled.messages.get(c.via);
    if (m?.contracts !== undefined && !m.contracts.has(c.contract)) {
      violations.push(`contract ${c.contract} is not in allowed_messages[${m.typeUrl}].allowed_contracts`);
      first ??= c.contract;
    }
  }
  return fromViolations(
    'allowed_contracts',
    'contract_not_allowed',
    violations,
    facts.contracts.length === 0 ? 'no contract calls' : 'all contracts are allowed',
    first === undefined ? {} : { contract: first },
  );
}

function allowedMethods(ctx: EvaluationContext, facts: Facts): RuleVerdict {
  const violations: string[] = [];
  let first: { contract: string; method?: string } | undefined;
  for (const c of facts.contracts) {
    const m = ctx.compiled.messages.get(c.via);
    if (m?.methods === undefined) continue;
    const before = violations.length;
    if (c.method === undefined) violations.push(`call to ${c.contract} has no decodable method but allowed_messages[${m.typeUrl}].allowed_methods is set`);
    else if (!m.methods.has(c.method)) violations.push(`method ${c.method} of ${c.contract} is not in allowed_messages[${m.typeUrl}].allowed_methods`);
    if (first === undefined && violations.length > before) first = { contract: c.contract, ...(c.method === undefined ? {} : { method: c.method }) };
  }
  return fromViolations(
    'allowed_methods',
    'method_not_allowed_by_policy',
    violations,
    facts.contracts.length === 0 ? 'no contract calls' : 'all methods are allowed',
    first ?? {},
  );
}

function uncappedAssets(ctx: EvaluationContext, facts: Facts): RuleVerdict {
  const c = ctx.compiled;
  const uncapped = unique(
    facts.transfers
      .filter(
        (t) => isUnidentifiedAsset(t.asset) || (!c.perTxCaps.has(t.asset) && !c.windowCaps.has(t.asset) && c.messages.get(t.via)?.caps.has(t.asset) !== true),
      )
      .map((t) => t.asset),
  );
  // a fee the signer pays is its spend too: its asset needs a cap like a transfer's (fee_caps counts as one)
  for (const f of facts.ownFees) {
    if (uncapped.includes(f.asset)) continue;
    if (isUnidentifiedAsset(f.asset) || (!c.perTxCaps.has(f.asset) && !c.windowCaps.has(f.asset) && !c.feeCaps.has(f.asset))) uncapped.push(f.asset);
  }
  const detail = { deny_uncapped_assets: c.policy.deny_uncapped_assets, uncapped };
  if (uncapped.length === 0 || !c.policy.deny_uncapped_assets) {
    return pass('uncapped_assets', uncapped.length === 0 ? 'every transferred asset has a cap' : `uncapped assets allowed: ${uncapped.join(', ')}`, detail);
  }
  return deny(
    'uncapped_assets',
    'uncapped_asset_denied',
    `asset ${uncapped[0]} has no cap (per_tx_caps, window_caps, allowed_messages[].per_tx_cap, or fee_caps for a fee the key pays) and deny_uncapped_assets = true`,
    { ...detail, asset: uncapped[0] },
  );
}

function capCheck(
  rule: string,
  code: ErrorCode,
  totals: ReadonlyMap<string, bigint>,
  cap: (asset: string) => { cap: bigint; name: string } | undefined,
): RuleVerdict {
  const checked: { asset: string; cap: string; attempted: string }[] = [];
  const violations: string[] = [];
  let first: { asset: string; cap: string; attempted: string } | undefined;
  for (const [asset, attempted] of totals) {
    const c = cap(asset);
    if (c === undefined) continue;
    const entry = { asset, cap: c.cap.toString(), attempted: attempted.toString() };
    checked.push(entry);
    if (attempted > c.cap) {
      violations.push(`${c.name} exceeded: cap=${c.cap} attempted=${attempted} asset=${asset}`);
      first ??= entry;
    }
  }
  return fromViolations(rule, code, violations, checked.length === 0 ? 'no capped asset moved' : 'within caps', { checked, ...(first ?? {}) });
}

function perTxCaps(ctx: EvaluationContext, facts: Facts): RuleVerdict {
  const totals = sumBy(
    facts.spend,
    (t) => t.asset,
    (t) => t.amount,
  );
  return capCheck('per_tx_caps', 'per_tx_cap_exceeded', totals, (asset) => {
    const cap = ctx.compiled.perTxCaps.get(asset);
    return cap === undefined ? undefined : { cap, name: `per_tx_caps.${asset}` };
  });
}

function messageCaps(ctx: EvaluationContext, facts: Facts): RuleVerdict {
  const checked: unknown[] = [];
  const violations: string[] = [];
  let first: Record<string, unknown> | undefined;
  for (const m of ctx.compiled.messages.values()) {
    if (m.caps.size === 0) continue;
    const via = facts.transfers.filter((t) => t.via === m.typeUrl);
    const v = capCheck(
      'allowed_messages.per_tx_cap',
      'per_tx_cap_exceeded',
      sumBy(
        via,
        (t) => t.asset,
        (t) => t.amount,
      ),
      (asset) => {
        const cap = m.caps.get(asset);
        return cap === undefined ? undefined : { cap, name: `allowed_messages[${m.typeUrl}].per_tx_cap.${asset}` };
      },
    );
    checked.push(...((v.detail?.checked as unknown[]) ?? []).map((x) => ({ type_url: m.typeUrl, ...(x as object) })));
    violations.push(...((v.detail?.violations as string[]) ?? []));
    if (first === undefined && !v.ok) first = { type_url: m.typeUrl, asset: v.detail?.asset, cap: v.detail?.cap, attempted: v.detail?.attempted };
  }
  return fromViolations('allowed_messages.per_tx_cap', 'per_tx_cap_exceeded', violations, checked.length === 0 ? 'no capped asset moved' : 'within caps', {
    checked,
    ...(first ?? {}),
  });
}

function feeCaps(ctx: EvaluationContext, facts: Facts): RuleVerdict {
  const totals = sumBy(
    facts.fees,
    (f) => f.asset,
    (f) => f.amount,
  );
  return capCheck('fee_caps', 'fee_cap_exceeded', totals, (asset) => {
    const cap = ctx.compiled.feeCaps.get(asset);
    return cap === undefined ? undefined : { cap, name: `fee_caps.${asset}` };
  });
}

function signRate(ctx: EvaluationContext, field: (typeof RATE_WINDOWS)[number]['field'], windowMs: number): RuleVerdict {
  const limit = ctx.compiled.policy[field];
  if (limit === undefined) return pass(field, 'no limit configured');
  const used = ctx.signCount(windowMs);
  const detail = { limit, used, window_secs: windowMs / 1000 };
  if (used < limit) return pass(field, undefined, detail);
  // the (used - limit + 1)-th oldest signature has to leave the window first
  const retry = retrySeconds(ctx.signTimeAt(windowMs, used - limit) + windowMs, ctx.now);
  return deny(
    field,
    'rate_limited',
    `${field} exceeded: limit=${limit} used=${used} window_secs=${windowMs / 1000}; retry in ${retry} s`,
    { ...detail, retry_after_secs: retry },
    'limited',
    retry,
  );
}

function windowCaps(ctx: EvaluationContext, facts: Facts): RuleVerdict {
  const totals = sumBy(
    facts.spend,
    (t) => t.asset,
    (t) => t.amount,
  );
  const checked: { asset: string; cap: string; spent: string; attempted: string }[] = [];
  const violations: { message: string; kind: DenialKind; retry?: number; facts: Record<string, unknown> }[] = [];
  for (const [asset, attempted] of totals) {
    const cap = ctx.compiled.windowCaps.get(asset);
    if (cap === undefined) continue;
    const spent = ctx.spent(asset);
    checked.push({ asset, cap: cap.toString(), spent: spent.toString(), attempted: attempted.toString() });
    if (spent + attempted <= cap) continue;
    const base = `window_caps.${asset} exceeded: cap=${cap} spent=${spent} attempted=${attempted} asset=${asset}`;
    const found = {
      asset,
      cap: cap.toString(),
      spent: spent.toString(),
      attempted: attempted.toString(),
      remaining: (cap > spent ? cap - spent : 0n).toString(),
    };
    if (attempted > cap) {
      violations.push({ message: `${base} (more than the whole rolling 24 h cap)`, kind: 'forbidden', facts: found });
      continue;
    }
    let remaining = spent;
    let retry = retrySeconds(ctx.now + DAY_MS, ctx.now);
    for (const e of ctx.spends(asset)) {
      remaining -= e.amount;
      if (remaining + attempted <= cap) {
        retry = retrySeconds(e.time + DAY_MS, ctx.now);
        break;
      }
    }
    violations.push({ message: `${base} (rolling 24 h); retry in ${retry} s`, kind: 'limited', retry, facts: { ...found, retry_after_secs: retry } });
  }
  if (violations.length === 0) return pass('window_caps', checked.length === 0 ? 'no capped asset moved' : 'within caps', { checked });
  const forbidden = violations.find((v) => v.kind === 'forbidden');
  const first = forbidden ?? violations[0]!;
  const retry = forbidden === undefined ? Math.max(...violations.map((v) => v.retry ?? 1)) : undefined;
  const code = forbidden === undefined ? 'window_cap_exceeded' : 'tx_exceeds_window_cap';
  const shown = retry === undefined ? first.facts : { ...first.facts, retry_after_secs: retry };
  return deny('window_caps', code, first.message, { checked, violations: violations.map((v) => v.message), ...shown }, first.kind, retry);
}
