import { openKmsError, parseAmount } from '@openkms/core';
import type { PolicyAliases } from '@openkms/core';
import { canonicalAccountId, readAllowedContracts, readAllowedFlags } from './allowed-contracts.js';
import { readApprovalPolicy } from './approval-policy.js';
import type { AllowedContract, ApprovalPolicy, AllowedMessage, AllowedProgram, AllowedRecipients, KeyPolicy, PolicyOverlay } from './key-policy.js';

/** Asset ids: `native`, or `<namespace>:<id>` (`spl:<mint>`, `denom:uatom`, `erc20:<contract>`). */
export const ASSET_ID_PATTERN = '^(native|[a-z][a-z0-9_-]*:[^\\s]+)$';
export const AMOUNT_PATTERN = '^(0|[1-9][0-9]*)$';

const assetIdRe = new RegExp(ASSET_ID_PATTERN);
const tokenRe = /^\S+$/;
const bareRe = /^[^\s:]+$/;
const MAX_ID_LENGTH = 256;

/** Chain-specific spellings the key's chain plugin accepts (@openkms/policy itself knows none). */
export interface ParsePolicyOptions {
  readonly aliases?: PolicyAliases;
}

/** The fields of a policy table. Chain plugins may add alias fields (see ParsePolicyOptions). */
export const POLICY_FIELDS: ReadonlySet<string> = new Set([
  'enabled',
  'max_signs_per_minute',
  'max_signs_per_hour',
  'max_signs_per_day',
  'per_tx_caps',
  'window_caps',
  'fee_caps',
  'deny_uncapped_assets',
  'allow_unknown_instructions',
  'allowed_programs',
  'allowed_messages',
  'allowed_recipients',
  'allowed_contracts',
  'allowed_flags',
  'approval',
]);
const CAP_FIELDS = new Set(['per_tx_caps', 'window_caps', 'fee_caps']);
const PROGRAM_FIELDS = new Set(['id', 'comment', 'instructions', 'allow_unknown_instructions']);
const MESSAGE_FIELDS = new Set(['type_url', 'allowed_recipients', 'allowed_contracts', 'allowed_methods', 'allowed_channels', 'per_tx_cap']);
const RECIPIENT_FIELDS = new Set(['program', 'asset', 'addresses']);

const parsed = new WeakSet<object>();

/** True when `value` is a policy object returned by `parsePolicy` (validated, normalised, frozen). */
export function isParsedPolicy(value: unknown): value is KeyPolicy {
  return typeof value === 'object' && value !== null && parsed.has(value);
}

/**
 * Validates a TOML/JSON-derived policy table and returns its normalised form.
 * Throws OpenKmsError `config_invalid` whose `context.path` is the dotted path of the first bad field,
 * built from `path` (e.g. `keys.solana-hot-0.policy` → `keys.solana-hot-0.policy.per_tx_caps.native`).
 * `deny_uncapped_assets` defaults to true: a transfer of an asset that no cap names is denied.
 */
export function parsePolicy(raw: unknown, path: string, options: ParsePolicyOptions = {}): KeyPolicy {
  if (isParsedPolicy(raw)) return raw;
  const f = readFields(raw, path, false, options.aliases);
  const policy: KeyPolicy = {
    enabled: (f.enabled as boolean | undefined) ?? true,
    ...(f.max_signs_per_minute === undefined ? {} : { max_signs_per_minute: f.max_signs_per_minute as number }),
    ...(f.max_signs_per_hour === undefined ? {} : { max_signs_per_hour: f.max_signs_per_hour as number }),
    ...(f.max_signs_per_day === undefined ? {} : { max_signs_per_day: f.max_signs_per_day as number }),
    per_tx_caps: (f.per_tx_caps as Record<string, string> | undefined) ?? {},
    window_caps: (f.window_caps as Record<string, string> | undefined) ?? {},
    fee_caps: (f.fee_caps as Record<string, string> | undefined) ?? {},
    deny_uncapped_assets: (f.deny_uncapped_assets as boolean | undefined) ?? true,
    allow_unknown_instructions: (f.allow_unknown_instructions as boolean | undefined) ?? false,
    allowed_programs: (f.allowed_programs as AllowedProgram[] | undefined) ?? [],
    allowed_messages: (f.allowed_messages as AllowedMessage[] | undefined) ?? [],
    allowed_recipients: (f.allowed_recipients as AllowedRecipients[] | undefined) ?? [],
    ...(f.allowed_contracts === undefined ? {} : { allowed_contracts: f.allowed_contracts as AllowedContract[] }),
    ...(f.allowed_flags === undefined ? {} : { allowed_flags: f.allowed_flags as string[] }),
    ...(f.approval === undefined ? {} : { approval: f.approval as ApprovalPolicy }),
  };
  deepFreeze(policy);
  parsed.add(policy);
  return policy;
}

/**
 * Validates a partial policy (an overlay or a PATCH body). Every field is optional and may be `null` (clear it);
 * inside `per_tx_caps`, `window_caps` and `fee_caps` one asset may be `null`. Aliases are folded.
 * Throws OpenKmsError `config_invalid` with `context.path` (relative to `path`; pass '' for a request body).
 */
export function parsePolicyOverlay(raw: unknown, path: string, options: ParsePolicyOptions = {}): PolicyOverlay {
  const f = readFields(raw, path, true, options.aliases);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(f)) if (v !== undefined) out[k] = v;
  return deepFreeze(out) as PolicyOverlay;
}

type Fields = Record<string, unknown>;

function readFields(raw: unknown, path: string, patch: boolean, aliases: PolicyAliases | undefined): Fields {
  const table = asTable(raw, path);
  const aliasFields = aliases?.fields ?? {};
  for (const key of Object.keys(table)) {
    if (!POLICY_FIELDS.has(key) && !Object.hasOwn(aliasFields, key)) fail(at(path, key), `unknown policy field "${key}"`);
  }
  const out: Fields = {};
  const nullable = <T>(key: string, read: (v: unknown, p: string) => T): T | null | undefined => {
    const v = table[key];
    if (v === undefined) return undefined;
    if (v === null) {
      if (patch) return null;
      fail(at(path, key), 'must not be null');
    }
    return read(v, at(path, key));
  };
  out.enabled = nullable('enabled', readBool);
  out.max_signs_per_minute = nullable('max_signs_per_minute', readLimit);
  out.max_signs_per_hour = nullable('max_signs_per_hour', readLimit);
  out.max_signs_per_day = nullable('max_signs_per_day', readLimit);
  out.deny_uncapped_assets = nullable('deny_uncapped_assets', readBool);
  out.allow_unknown_instructions = nullable('allow_unknown_instructions', readBool);
  for (const field of CAP_FIELDS) out[field] = nullable(field, (v, p) => readCaps(v, p, patch));
  for (const [alias, target] of Object.entries(aliasFields)) {
    if (!CAP_FIELDS.has(target.field)) fail(at(path, alias), `alias of an unknown field ${target.field}`);
    out[target.field] = foldAlias(out[target.field] as Record<string, string | null> | null | undefined, path, alias, target.field, target.asset, nullable);
  }
  out.allowed_programs = nullable('allowed_programs', readPrograms);
  out.allowed_messages = nullable('allowed_messages', (v, p) => readMessages(v, p, aliases?.bareAssetNamespace));
  out.allowed_recipients = nullable('allowed_recipients', readRecipients);
  out.allowed_contracts = nullable('allowed_contracts', (v, p) => readAllowedContracts(v, p, fail));
  out.allowed_flags = nullable('allowed_flags', (v, p) => readAllowedFlags(v, p, fail));
  out.approval = nullable('approval', readApprovalPolicy);
  return out;
}

/** Folds `<alias>` (one asset's amount) into `<field>.<asset>`; both given with different values is an error. */
function foldAlias(
  caps: Record<string, string | null> | null | undefined,
  path: string,
  alias: string,
  field: string,
  asset: string,
  nullable: <T>(key: string, read: (v: unknown, p: string) => T) => T | null | undefined,
): Record<string, string | null> | null | undefined {
  const aliasValue = nullable(alias, (v, p) => readAmount(v, p));
  if (aliasValue === undefined) return caps;
  if (aliasValue === null) return caps === null ? null : { ...(caps ?? {}), [asset]: null };
  if (caps === null) fail(at(path, alias), `conflicts with ${field} = null`);
  if (caps !== undefined && asset in caps && caps[asset] !== aliasValue) {
    fail(at(path, alias), `conflicts with ${field}.${asset} (alias of the same asset with a different value)`);
  }
  return { ...(caps ?? {}), [asset]: aliasValue };
}

function readPrograms(raw: unknown, path: string): AllowedProgram[] {
  const seen = new Set<string>();
  return asArray(raw, path).map((item, i) => {
    const p = `${path}[${i}]`;
    const t = asTable(item, p);
    checkKeys(t, PROGRAM_FIELDS, p);
    // an EVM contract address in any case (checksummed or not) is the same program as the intent's lower-case one
    const id = canonicalAccountId(readId(t.id, at(p, 'id')));
    if (seen.has(id)) fail(at(p, 'id'), `duplicate program id ${id}`);
    seen.add(id);
    const rules = readProgramInstructionRules(t, p);
    if (t.comment === undefined) return { id, ...rules };
    if (typeof t.comment !== 'string' || t.comment.length > 1024) fail(at(p, 'comment'), 'must be a string of at most 1024 characters');
    return { id, comment: t.comment, ...rules };
  });
}

/** `instructions` (kinds allowed for this program) and `allow_unknown_instructions` (this program's undecoded actions). */
function readProgramInstructionRules(t: Record<string, unknown>, p: string): Pick<AllowedProgram, 'instructions' | 'allow_unknown_instructions'> {
  return {
    ...(t.instructions === undefined ? {} : { instructions: readIdList(t.instructions, at(p, 'instructions')) }),
    ...(t.allow_unknown_instructions === undefined
      ? {}
      : { allow_unknown_instructions: readBool(t.allow_unknown_instructions, at(p, 'allow_unknown_instructions')) }),
  };
}

function readMessages(raw: unknown, path: string, bareNamespace: string | undefined): AllowedMessage[] {
  const seen = new Set<string>();
  return asArray(raw, path).map((item, i) => {
    const p = `${path}[${i}]`;
    const t = asTable(item, p);
    checkKeys(t, MESSAGE_FIELDS, p);
    const typeUrl = readId(t.type_url, at(p, 'type_url'));
    if (seen.has(typeUrl)) fail(at(p, 'type_url'), `duplicate type_url ${typeUrl}`);
    seen.add(typeUrl);
    const msg: { -readonly [K in keyof AllowedMessage]: AllowedMessage[K] } = { type_url: typeUrl };
    if (t.allowed_recipients !== undefined) msg.allowed_recipients = readIdList(t.allowed_recipients, at(p, 'allowed_recipients'));
    if (t.allowed_contracts !== undefined) msg.allowed_contracts = readIdList(t.allowed_contracts, at(p, 'allowed_contracts'));
    if (t.allowed_methods !== undefined) msg.allowed_methods = readIdList(t.allowed_methods, at(p, 'allowed_methods'));
    if (t.allowed_channels !== undefined) msg.allowed_channels = readIdList(t.allowed_channels, at(p, 'allowed_channels'));
    if (t.per_tx_cap !== undefined) msg.per_tx_cap = readMessageCaps(t.per_tx_cap, at(p, 'per_tx_cap'), bareNamespace);
    return msg;
  });
}

function readRecipients(raw: unknown, path: string): AllowedRecipients[] {
  return asArray(raw, path).map((item, i) => {
    const p = `${path}[${i}]`;
    const t = asTable(item, p);
    checkKeys(t, RECIPIENT_FIELDS, p);
    const program = t.program === undefined ? undefined : canonicalAccountId(readId(t.program, at(p, 'program')));
    const asset = t.asset === undefined ? undefined : canonicalAccountId(readAssetId(t.asset, at(p, 'asset')));
    if (t.addresses === undefined) fail(at(p, 'addresses'), 'is required');
    const addresses = readIdList(t.addresses, at(p, 'addresses'));
    return { ...(program === undefined ? {} : { program }), ...(asset === undefined ? {} : { asset }), addresses };
  });
}

function readCaps(raw: unknown, path: string, patch: boolean): Record<string, string | null> {
  const t = asTable(raw, path);
  const out: Record<string, string | null> = {};
  for (const [asset, value] of Object.entries(t)) {
    const p = at(path, asset);
    const id = canonicalAccountId(readAssetId(asset, p));
    if (id in out) fail(p, `duplicate asset ${id} (EVM addresses compare case-insensitively)`);
    out[id] = value === null && patch ? null : readAmount(value, p);
  }
  return out;
}

/** Asset id → cap. A bare key (no namespace) is read in the chain's `bareAssetNamespace` (Cosmos: `uatom` = `denom:uatom`). */
function readMessageCaps(raw: unknown, path: string, bareNamespace: string | undefined): Record<string, string> {
  const t = asTable(raw, path);
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(t)) {
    const p = at(path, key);
    const asset = bareNamespace !== undefined && bareRe.test(key) && key !== 'native' ? `${bareNamespace}:${key}` : key;
    readAssetId(asset, p);
    if (asset in out) fail(p, `duplicate asset ${asset}`);
    out[asset] = readAmount(value, p);
  }
  return out;
}

function readAmount(raw: unknown, path: string): string {
  if (typeof raw === 'string' && parseAmount(raw) !== undefined) return raw;
  const shown =
    typeof raw === 'string' ? `"${truncate(raw)}"` : typeof raw === 'object' ? (raw === null ? 'null' : 'a table') : `${typeof raw} ${truncate(String(raw))}`;
  return fail(path, `must be a quoted decimal string of base units, e.g. "5000000000" (got ${shown})`);
}

function readAssetId(raw: unknown, path: string): string {
  if (typeof raw !== 'string' || raw.length > MAX_ID_LENGTH || !assetIdRe.test(raw)) {
    fail(path, `"${truncate(String(raw))}" is not an asset id (native, spl:<mint>, denom:<denom>, erc20:<contract>, …)`);
  }
  if (isUnidentifiedAsset(raw)) fail(path, `"${raw}" names an asset a chain plugin could not identify; no cap or allowlist can name it`);
  return raw;
}

/** `<namespace>:unknown` is what a plugin reports when it cannot tell which asset of a namespace moves (e.g. `spl:unknown`). */
export function isUnidentifiedAsset(asset: string): boolean {
  return asset.endsWith(':unknown') && asset.indexOf(':') === asset.length - ':unknown'.length;
}

function readId(raw: unknown, path: string): string {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > MAX_ID_LENGTH || !tokenRe.test(raw)) {
    fail(path, `must be a non-empty string without whitespace of at most ${MAX_ID_LENGTH} characters`);
  }
  return raw;
}

function readIdList(raw: unknown, path: string): string[] {
  return [...new Set(asArray(raw, path).map((v, i) => canonicalAccountId(readId(v, `${path}[${i}]`))))];
}

function readBool(raw: unknown, path: string): boolean {
  if (typeof raw !== 'boolean') fail(path, 'must be true or false');
  return raw;
}

function readLimit(raw: unknown, path: string): number {
  const n = typeof raw === 'bigint' && raw <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(raw) : raw;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1) {
    fail(path, 'must be a positive integer (use enabled = false to stop signing)');
  }
  return n;
}

function asTable(raw: unknown, path: string): Record<string, unknown> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail(path, 'must be a table (object)');
  return raw as Record<string, unknown>;
}

function asArray(raw: unknown, path: string): unknown[] {
  if (!Array.isArray(raw)) fail(path, 'must be an array');
  return raw;
}

function checkKeys(t: Record<string, unknown>, allowed: ReadonlySet<string>, path: string): void {
  for (const key of Object.keys(t)) if (!allowed.has(key)) fail(at(path, key), `unknown field "${key}"`);
}

function at(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function truncate(s: string): string {
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

function fail(path: string, message: string): never {
  throw openKmsError('config_invalid', `${path === '' ? 'policy' : path}: ${message}`, { path });
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
