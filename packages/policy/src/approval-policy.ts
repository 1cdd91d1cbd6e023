import { openKmsError, parseAmount } from '@openkms/core';
import type { Intent } from '@openkms/core';
import { canonicalAccountId } from './allowed-contracts.js';
import type { ApprovalPolicy } from './key-policy.js';
import { spendTotals } from './evaluate-policy.js';

const APPROVAL_FIELDS = new Set([
  'above',
  'programs',
  'message_types',
  'contracts',
  'ttl_secs',
  'approvers',
  'quorum',
  'webhook_url',
  'webhook_secret_file',
  'webhook_include_request',
]);
const WEBHOOK_URL_RE = /^https?:\/\/\S{1,2040}$/;
const ASSET_RE = /^(native|[a-z][a-z0-9_-]*:[^\s]+)$/;
const ID_RE = /^\S{1,256}$/;
const TOKEN_NAME_RE = /^[A-Za-z0-9._-]{1,64}$/;
export const DEFAULT_APPROVAL_TTL_SECS = 900;
export const MAX_APPROVAL_TTL_SECS = 7 * 24 * 3600;

/**
 * Reads a policy's `approval` table: which otherwise allowed requests wait for an operator's approval before they
 * are signed. Throws `config_invalid` with the dotted path of the first bad field.
 */
export function readApprovalPolicy(raw: unknown, path: string): ApprovalPolicy {
  const fail = (p: string, message: string): never => {
    throw openKmsError('config_invalid', `${p}: ${message}`, { path: p });
  };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return fail(path, 'must be a table (object)');
  const t = raw as Record<string, unknown>;
  for (const k of Object.keys(t)) if (!APPROVAL_FIELDS.has(k)) fail(`${path}.${k}`, `unknown field "${k}"`);
  const above: Record<string, string> = {};
  if (t.above !== undefined) {
    if (typeof t.above !== 'object' || t.above === null || Array.isArray(t.above)) fail(`${path}.above`, 'must be a table (object)');
    for (const [asset, value] of Object.entries(t.above as Record<string, unknown>)) {
      const p = `${path}.above.${asset}`;
      if (!ASSET_RE.test(asset) || asset.length > 256) fail(p, `"${asset}" is not an asset id (native, spl:<mint>, denom:<denom>, erc20:<contract>, …)`);
      if (typeof value !== 'string' || parseAmount(value) === undefined) fail(p, 'must be a quoted decimal string of base units, e.g. "5000000000"');
      above[canonicalAccountId(asset)] = value as string;
    }
  }
  const list = (key: string, re: RegExp, what: string): string[] => {
    const v = t[key];
    if (v === undefined) return [];
    if (!Array.isArray(v)) return fail(`${path}.${key}`, 'must be an array');
    return [...new Set(v.map((x, i) => (typeof x === 'string' && re.test(x) ? x : fail(`${path}.${key}[${i}]`, `must be ${what}`))))];
  };
  const programs = list('programs', ID_RE, 'a non-empty string without whitespace').map(canonicalAccountId);
  const messageTypes = list('message_types', ID_RE, 'a non-empty string without whitespace');
  const contracts = list('contracts', ID_RE, 'a non-empty string without whitespace').map(canonicalAccountId);
  const approvers = list('approvers', TOKEN_NAME_RE, 'a token name ([A-Za-z0-9._-], at most 64 characters)');
  const int = (key: string, dflt: number, min: number, max: number): number => {
    const v = typeof t[key] === 'bigint' ? Number(t[key]) : t[key];
    if (v === undefined) return dflt;
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) return fail(`${path}.${key}`, `must be an integer from ${min} to ${max}`);
    return v;
  };
  const ttl = int('ttl_secs', DEFAULT_APPROVAL_TTL_SECS, 1, MAX_APPROVAL_TTL_SECS);
  const quorum = int('quorum', 1, 1, 16);
  if (approvers.length > 0 && quorum > approvers.length) fail(`${path}.quorum`, `is ${quorum} but only ${approvers.length} approvers are listed`);
  // this key's own webhook (besides the signer's [approvals] one): a URL and the file of its HMAC secret, together
  const url = t.webhook_url;
  const secretFile = t.webhook_secret_file;
  if (url !== undefined && (typeof url !== 'string' || !WEBHOOK_URL_RE.test(url))) fail(`${path}.webhook_url`, 'must be an http(s) URL');
  if (secretFile !== undefined && (typeof secretFile !== 'string' || secretFile.length === 0 || secretFile.length > 4096)) {
    fail(`${path}.webhook_secret_file`, 'must be a file path');
  }
  if ((url === undefined) !== (secretFile === undefined)) {
    fail(`${path}.${url === undefined ? 'webhook_url' : 'webhook_secret_file'}`, 'webhook_url and webhook_secret_file go together');
  }
  const includeRequest = t.webhook_include_request;
  if (includeRequest !== undefined && typeof includeRequest !== 'boolean') fail(`${path}.webhook_include_request`, 'must be true or false');
  if (includeRequest !== undefined && url === undefined) fail(`${path}.webhook_include_request`, 'needs webhook_url');
  return {
    above,
    programs,
    message_types: messageTypes,
    contracts,
    ttl_secs: ttl,
    approvers,
    quorum,
    ...(url === undefined ? {} : { webhook_url: url as string, webhook_secret_file: secretFile as string, webhook_include_request: includeRequest === true }),
  };
}

/** Why an intent needs an approval (one entry per condition met). */
export interface ApprovalReason {
  readonly condition: 'above' | 'program' | 'message_type' | 'contract';
  readonly message: string;
  readonly asset?: string;
  readonly threshold?: string;
  readonly attempted?: string;
  readonly program?: string;
  readonly type_url?: string;
  readonly contract?: string;
}

/**
 * The approval conditions an intent meets under `approval` (empty: no approval needed). Amounts compare the
 * transaction's total per asset (transfers plus fees the signer pays) with `above`: strictly more needs an approval.
 */
export function approvalReasons(approval: ApprovalPolicy | undefined, intent: Intent): ApprovalReason[] {
  if (approval === undefined) return [];
  const out: ApprovalReason[] = [];
  const totals = spendTotals(intent);
  for (const [asset, threshold] of Object.entries(approval.above)) {
    const attempted = totals.get(asset) ?? 0n;
    if (attempted > BigInt(threshold)) {
      out.push({
        condition: 'above',
        asset,
        threshold,
        attempted: attempted.toString(),
        message: `${asset}: ${attempted} is above the approval threshold ${threshold}`,
      });
    }
  }
  const programs = new Set(approval.programs);
  for (const p of intent.programs)
    if (programs.has(canonicalAccountId(p))) out.push({ condition: 'program', program: p, message: `program ${p} needs an approval` });
  const types = new Set(approval.message_types);
  for (const m of intent.messageTypes) if (types.has(m)) out.push({ condition: 'message_type', type_url: m, message: `message type ${m} needs an approval` });
  const contracts = new Set(approval.contracts);
  const seen = new Set<string>();
  for (const c of intent.contracts) {
    const id = canonicalAccountId(c.contract);
    if (contracts.has(id) && !seen.has(id)) {
      seen.add(id);
      out.push({ condition: 'contract', contract: c.contract, message: `contract ${c.contract} needs an approval` });
    }
  }
  return out;
}

/** The intent's spend per asset as decimal strings (what a reservation for it holds; see `reserveFor`). */
export function intentSpend(intent: Intent): Record<string, string> {
  return Object.fromEntries([...spendTotals(intent)].map(([asset, amount]) => [asset, amount.toString()]));
}
