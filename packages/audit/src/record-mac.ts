import { createHmac, timingSafeEqual } from 'node:crypto';
import { canonicalJson } from './canonical-json.js';

/**
 * The exact bytes the MAC covers: the UTF-8 encoding of the canonical JSON (see canonical-json.ts) of the record
 * with its `mac` member removed. Every other member is included — `v`, `seq`, `time`, `prev_mac`, and any member
 * a future version may add.
 */
export function recordMacInput(record: object): Buffer {
  const { mac: _mac, ...rest } = record as Record<string, unknown>;
  return Buffer.from(canonicalJson(rest), 'utf8');
}

/** Lowercase hex HMAC-SHA256(key, recordMacInput(record)). */
export function computeRecordMac(key: Uint8Array, record: object): string {
  return createHmac('sha256', key).update(recordMacInput(record)).digest('hex');
}

/** True when `record.mac` is the MAC of the record under `key` (constant-time comparison). */
export function recordMacMatches(key: Uint8Array, record: { readonly mac: string }): boolean {
  const expected = Buffer.from(computeRecordMac(key, record), 'hex');
  const actual = Buffer.from(record.mac, 'hex');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
