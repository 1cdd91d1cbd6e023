import { INFORMATIONAL_FLAGS, STRUCTURAL_FLAGS } from '@openkms/core';
import type { Intent } from '@openkms/core';
import type { RuleVerdict } from './decision.js';
import type { AllowedContract } from './key-policy.js';

// `allowed_contracts` and `allowed_flags`: the two policy fields of direct contract calls (EVM) and risk flags, kept in
// this file so they read, compile and evaluate in one place.

/** `0x` + 40 hex digits: an EVM-style account id, which compares case-insensitively (EIP-55 casing is a checksum). */
const HEX_ADDRESS = /^0x[0-9a-fA-F]{40}$/;
/** `0x` + 8 hex digits: a 4-byte method selector. */
const SELECTOR = /^0x[0-9a-fA-F]{8}$/;
/** A method name as an ABI or a typed-data primary type spells it, or `*` (any method). */
const METHOD_NAME = /^(\*|[A-Za-z_$][A-Za-z0-9_$]{0,127})$/;

/**
 * The normalised form of an account id: EVM hex addresses (and `erc20:<address>` asset ids) in lower case, anything
 * else unchanged (base58 and bech32 ids are case-sensitive or never hex). Intents from @openkms/evm use this form.
 */
export function canonicalAccountId(id: string): string {
  if (HEX_ADDRESS.test(id)) return id.toLowerCase();
  const colon = id.indexOf(':');
  if (colon > 0 && HEX_ADDRESS.test(id.slice(colon + 1))) return id.slice(0, colon + 1) + id.slice(colon + 1).toLowerCase();
  return id;
}

type Fail = (path: string, message: string) => never;

/** Reads `allowed_contracts = [{ address, methods, comment? }]`. `methods` is required (`["*"]` = any method). */
export function readAllowedContracts(raw: unknown, path: string, fail: Fail): AllowedContract[] {
  if (!Array.isArray(raw)) fail(path, 'must be an array');
  const seen = new Set<string>();
  return (raw as unknown[]).map((item, i) => {
    const p = `${path}[${i}]`;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) fail(p, 'must be a table (object)');
    const t = item as Record<string, unknown>;
    for (const key of Object.keys(t)) if (!['address', 'methods', 'comment'].includes(key)) fail(`${p}.${key}`, `unknown field "${key}"`);
    if (typeof t.address !== 'string' || !HEX_ADDRESS.test(t.address)) fail(`${p}.address`, 'must be a contract address (0x + 40 hex digits)');
    const address = (t.address as string).toLowerCase();
    if (seen.has(address)) fail(`${p}.address`, `duplicate contract ${address}`);
    seen.add(address);
    if (t.methods === undefined) fail(`${p}.methods`, 'is required: method names or 4-byte selectors ("transfer", "0x095ea7b3"), or ["*"] for any method');
    if (!Array.isArray(t.methods)) fail(`${p}.methods`, 'must be an array');
    const methods = [
      ...new Set(
        (t.methods as unknown[]).map((m, j) => {
          if (typeof m === 'string' && SELECTOR.test(m)) return m.toLowerCase();
          if (typeof m === 'string' && METHOD_NAME.test(m)) return m;
          return fail(`${p}.methods[${j}]`, 'must be a method name, a 4-byte selector (0x + 8 hex digits) or "*"');
        }),
      ),
    ];
    if (t.comment !== undefined && (typeof t.comment !== 'string' || t.comment.length > 1024))
      fail(`${p}.comment`, 'must be a string of at most 1024 characters');
    return { address, methods, ...(t.comment === undefined ? {} : { comment: t.comment as string }) };
  });
}

/** Reads `allowed_flags = ["unlimited_approval", …]`: risk flag names (lower-case words with underscores). */
export function readAllowedFlags(raw: unknown, path: string, fail: Fail): string[] {
  if (!Array.isArray(raw)) fail(path, 'must be an array');
  return [
    ...new Set(
      (raw as unknown[]).map((f, i) => {
        if (typeof f !== 'string' || !/^[a-z][a-z0-9_]{0,63}$/.test(f)) fail(`${path}[${i}]`, 'must be a flag name such as "unlimited_approval"');
        return f as string;
      }),
    ),
  ];
}

/** Contract address (lower case) → allowed methods (names, lower-case selectors, or `*`). */
export type CompiledContracts = ReadonlyMap<string, ReadonlySet<string>>;

export function compileAllowedContracts(list: readonly AllowedContract[] | undefined): CompiledContracts {
  return new Map((list ?? []).map((c) => [c.address.toLowerCase(), new Set(c.methods.map((m) => (SELECTOR.test(m) ? m.toLowerCase() : m)))]));
}

/** The decoding flags (handled by their own rules) and the informational ones; every other flag is a risk flag. */
const NOT_RISK: ReadonlySet<string> = new Set([...STRUCTURAL_FLAGS, ...INFORMATIONAL_FLAGS]);

/**
 * Rule `allowed_flags`: every risk flag of the intent (any flag other than the decoding and informational flags,
 * including one this package does not know) must be listed in the policy's `allowed_flags`.
 */
export function allowedFlagsRule(allowed: readonly string[] | undefined, intent: Intent): RuleVerdict {
  const allow = new Set(allowed ?? []);
  const risky = [...new Set((intent.flags ?? []).map(String))].filter((f) => !NOT_RISK.has(f));
  const denied = risky.filter((f) => !allow.has(f));
  const detail = { flags: risky, allowed_flags: [...allow] };
  if (denied.length === 0) return { rule: 'allowed_flags', ok: true, message: risky.length === 0 ? 'no risk flags' : 'all risk flags are allowed', detail };
  return {
    rule: 'allowed_flags',
    ok: false,
    code: 'flag_not_allowed',
    kind: 'forbidden',
    message: `the transaction is flagged ${denied.join(', ')}, which allowed_flags does not list`,
    detail: { ...detail, denied },
  };
}

/** The contract calls checked by `allowed_contracts`: direct calls, i.e. not made through a message type (those are `allowed_messages`' business). */
export function directContractCalls(intent: Intent): { contract: string; method?: string; selector?: string }[] {
  const messageTypes = new Set((intent.messageTypes ?? []).map(String));
  return (intent.contracts ?? []).filter((c) => !messageTypes.has(String(c.via)));
}

/**
 * Rule `contract_calls`: every direct contract call must target a contract in `allowed_contracts` (absent or empty:
 * none) with a method whose name or selector is listed (or `*`).
 */
export function contractCallsRule(contracts: CompiledContracts, intent: Intent): RuleVerdict {
  const calls = directContractCalls(intent);
  const notAllowed: string[] = [];
  const badMethod: string[] = [];
  for (const c of calls) {
    const address = canonicalAccountId(String(c.contract));
    const methods = contracts.get(address);
    const shown = c.method ?? c.selector ?? '(no method)';
    if (methods === undefined) {
      notAllowed.push(`contract ${address} is not in allowed_contracts`);
      continue;
    }
    const ok =
      methods.has('*') ||
      (c.method !== undefined && methods.has(String(c.method))) ||
      (c.selector !== undefined && methods.has(String(c.selector).toLowerCase()));
    if (!ok)
      badMethod.push(
        `method ${shown}${c.selector !== undefined && c.method !== undefined ? ` (${c.selector})` : ''} of ${address} is not in its allowed_contracts methods`,
      );
  }
  const checked = calls.map((c) => ({
    contract: String(c.contract),
    ...(c.method === undefined ? {} : { method: c.method }),
    ...(c.selector === undefined ? {} : { selector: c.selector }),
  }));
  if (notAllowed.length === 0 && badMethod.length === 0) {
    return {
      rule: 'contract_calls',
      ok: true,
      message: calls.length === 0 ? 'no direct contract calls' : 'all contract calls are allowed',
      detail: { checked },
    };
  }
  const violations = [...notAllowed, ...badMethod];
  return {
    rule: 'contract_calls',
    ok: false,
    code: notAllowed.length > 0 ? 'contract_not_allowed' : 'method_not_allowed_by_policy',
    kind: 'forbidden',
    message: violations[0]!,
    detail: { checked, violations },
  };
}
