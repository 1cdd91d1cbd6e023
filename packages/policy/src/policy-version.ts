import { createHash } from 'node:crypto';
import type { KeyPolicy } from './key-policy.js';

/** JSON with object keys sorted recursively (array order kept): the same policy always gives the same text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  if (typeof value === 'bigint') return JSON.stringify(value.toString());
  return JSON.stringify(value) ?? 'null';
}

/** Lower-case hex SHA-256 of the canonical JSON of a normalised (effective) policy; recorded in audit records. */
export function computePolicyVersion(policy: KeyPolicy): string {
  return createHash('sha256').update(canonicalJson(policy)).digest('hex');
}
