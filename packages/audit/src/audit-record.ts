import type { IntentSummary } from '@openkms/core';

/** Version of the record format written in every record's `v` field. */
export const AUDIT_FORMAT_VERSION = 1;

/** `prev_mac` of the very first record of a brand-new log. */
export const GENESIS_MAC = '0'.repeat(64);

/** What the signer decided (or did) for the request the record describes (`pending`: held for an operator's approval). */
export const AUDIT_DECISIONS = ['allow', 'deny', 'replay', 'error', 'auth_failure', 'admin', 'shed', 'pending'] as const;
export type AuditDecision = (typeof AUDIT_DECISIONS)[number];

export function isAuditDecision(value: unknown): value is AuditDecision {
  return typeof value === 'string' && (AUDIT_DECISIONS as readonly string[]).includes(value);
}

/**
 * What a caller passes to `AuditLog.append`. The log adds `v`, `seq`, `time`, `prev_mac` and `mac`.
 *
 * Every value must be plain JSON data (strings, finite numbers, booleans, null, arrays, plain objects);
 * `undefined` object members are dropped. Never put a token, password or key material in a record.
 */
export interface AuditRecordInput {
  readonly decision: AuditDecision;
  readonly request_id?: string;
  /** The NAME of the API token that authenticated the request, never the token itself. */
  readonly token_name?: string;
  readonly label?: string;
  readonly chain?: string;
  readonly network?: string;
  /** Stable machine-readable reason (an openKMS error code such as `per_tx_cap_exceeded`). */
  readonly reason_code?: string;
  /** Human-readable reason. */
  readonly reason?: string;
  /** The intent, bounded (an AuditIntent from auditIntent(): first items, counts, per-asset totals, SHA-256). */
  readonly intent?: IntentSummary;
  /** Hex SHA-256 of the bytes that were signed. */
  readonly signed_sha256?: string;
  /** Hex SHA-256 of the produced signature. */
  readonly signature_sha256?: string;
  readonly policy_version?: string | number;
  readonly hsm_device?: string;
  /** The key backend's name in config (`[backends.<name>]`) that made the signature. */
  readonly backend?: string;
  readonly key_id?: string | number;
  readonly latency_ms?: number;
  /** Admin actions: `kill_switch`, `policy_overlay`, `reload`, `token_create`, … */
  readonly action?: string;
  /** Admin action details (plain JSON object). */
  readonly details?: object;
  /** Rule verdicts from the policy engine (plain JSON objects). */
  readonly rules?: readonly object[];
}

/** A record as written to (and read back from) the log. */
export interface AuditRecord extends AuditRecordInput {
  readonly v: number;
  readonly seq: number;
  /** ISO-8601 UTC with milliseconds, e.g. `2025-01-31T23:59:59.123Z`. */
  readonly time: string;
  /** `mac` of the previous record (64 zeros for the first record of a log). */
  readonly prev_mac: string;
  /** Hex HMAC-SHA256 over the canonical serialisation of every other member (see canonical-json.ts). */
  readonly mac: string;
}

/** Order of the members in a written line (readability only: the MAC input is key-sorted). */
export const RECORD_FIELD_ORDER = [
  'v',
  'seq',
  'time',
  'request_id',
  'token_name',
  'label',
  'chain',
  'network',
  'decision',
  'reason_code',
  'reason',
  'intent',
  'signed_sha256',
  'signature_sha256',
  'policy_version',
  'hsm_device',
  'backend',
  'key_id',
  'latency_ms',
  'action',
  'details',
  'rules',
  'prev_mac',
  'mac',
] as const;

/** Members a caller may set (everything except the ones the log assigns). */
export const INPUT_FIELDS: readonly string[] = RECORD_FIELD_ORDER.filter((f) => f !== 'v' && f !== 'seq' && f !== 'time' && f !== 'prev_mac' && f !== 'mac');

const HEX64 = /^[0-9a-f]{64}$/;

export function isMacHex(value: unknown): value is string {
  return typeof value === 'string' && HEX64.test(value);
}

/**
 * Checks the members every stored record must have. Returns a problem description, or undefined when fine.
 * (The MAC check is separate.)
 */
export function recordShapeProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'record is not a JSON object';
  const r = value as Record<string, unknown>;
  if (r.v !== AUDIT_FORMAT_VERSION) return `unsupported format version ${JSON.stringify(r.v)}`;
  if (typeof r.seq !== 'number' || !Number.isSafeInteger(r.seq) || r.seq < 1) return 'seq is not a positive integer';
  if (typeof r.time !== 'string' || Number.isNaN(Date.parse(r.time))) return 'time is not an ISO-8601 timestamp';
  if (!isAuditDecision(r.decision)) return 'decision is missing or unknown';
  if (!isMacHex(r.prev_mac)) return 'prev_mac is not 64 lowercase hex characters';
  if (!isMacHex(r.mac)) return 'mac is not 64 lowercase hex characters';
  return undefined;
}
