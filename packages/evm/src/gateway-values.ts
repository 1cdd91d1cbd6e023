import { ErrorCode, openKmsError } from '@openkms/core';
import type { AbiParameter } from 'viem';
import { getAddress, isAddress, isHex } from 'viem/utils';
import { paramName } from './gateway-abi.js';

type Tuple = AbiParameter & { components?: readonly AbiParameter[] };

function invalid(field: string, message: string): never {
  throw openKmsError(ErrorCode.invalidRequest, `${field}: ${message}`, { field });
}

/** `uint256[2][]` → element type `uint256[2]` and the array's length (undefined: dynamic); undefined when not an array. */
function arrayOf(type: string): { inner: string; length?: number } | undefined {
  const m = /^(.*)\[(\d*)\]$/.exec(type);
  if (!m) return undefined;
  return { inner: m[1]!, ...(m[2] === '' ? {} : { length: Number(m[2]) }) };
}

function integer(value: unknown, type: string, field: string): bigint {
  let n: bigint;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) invalid(field, `${type} given as a JSON number must be a safe integer (send larger values as a decimal string)`);
    n = BigInt(value);
  } else if (typeof value === 'string' && /^-?(0|[1-9][0-9]{0,77})$/.test(value)) n = BigInt(value);
  else if (typeof value === 'string' && /^0x[0-9a-fA-F]{1,64}$/.test(value)) n = BigInt(value);
  else return invalid(field, `${type} must be a decimal string (or 0x hex)`);
  const bits = BigInt(type.replace(/^u?int/, '') || '256');
  const signed = type.startsWith('int');
  const min = signed ? -(1n << (bits - 1n)) : 0n;
  const max = signed ? (1n << (bits - 1n)) - 1n : (1n << bits) - 1n;
  if (n < min || n > max) invalid(field, `out of range for ${type}`);
  return n;
}

/**
 * Converts a JSON argument to the value viem encodes for ABI parameter `p`: (u)int as a decimal string (or 0x hex, or
 * a safe JSON integer) → bigint with a range check; address checksummed or all lower case; bool; string; bytes /
 * bytesN as 0x hex of the right length; arrays as JSON arrays; tuples as objects keyed by component names (or arrays).
 * Throws `invalid_request` whose `field` is the dotted path of the bad value (e.g. `args.order.amount`).
 */
export function toAbiValue(p: Tuple, value: unknown, field: string): unknown {
  const arr = arrayOf(p.type);
  if (arr !== undefined) {
    if (!Array.isArray(value)) invalid(field, `${p.type} must be a JSON array`);
    if (arr.length !== undefined && value.length !== arr.length) invalid(field, `${p.type} must have ${arr.length} elements`);
    if (value.length > 10_000) invalid(field, 'too many elements');
    const inner = { ...p, type: arr.inner } as Tuple;
    return value.map((v, i) => toAbiValue(inner, v, `${field}[${i}]`));
  }
  const type = p.type;
  if (type === 'tuple') return toTupleValue(p.components ?? [], value, field);
  if (type === 'address') {
    if (typeof value !== 'string' || !isAddress(value, { strict: false }) || (value !== value.toLowerCase() && !isAddress(value, { strict: true })))
      invalid(field, 'address must be 0x and 40 hex digits, checksummed or all lower case');
    return getAddress(value);
  }
  if (type === 'bool') {
    if (typeof value !== 'boolean') invalid(field, 'bool must be true or false');
    return value;
  }
  if (type === 'string') {
    if (typeof value !== 'string') invalid(field, 'string must be a JSON string');
    return value;
  }
  if (type.startsWith('bytes')) {
    if (typeof value !== 'string' || !isHex(value, { strict: true }) || value.length % 2 !== 0) invalid(field, `${type} must be 0x hex (whole bytes)`);
    const size = type === 'bytes' ? undefined : Number(type.slice(5));
    if (size !== undefined && (value.length - 2) / 2 !== size) invalid(field, `${type} must be exactly ${size} bytes`);
    return value.toLowerCase();
  }
  if (/^u?int/.test(type)) return integer(value, type, field);
  return invalid(field, `unsupported type ${type}`);
}

/** Tuple (or a function's inputs): an object keyed by names (unnamed: `arg<i>`) or a positional array → a positional array. */
export function toTupleValue(components: readonly Tuple[], value: unknown, field: string): unknown[] {
  if (Array.isArray(value)) {
    if (value.length !== components.length) invalid(field, `takes ${components.length} values, got ${value.length}`);
    return components.map((c, i) => toAbiValue(c, value[i], `${field}[${i}]`));
  }
  if (value === undefined || value === null) {
    if (components.length === 0) return [];
    invalid(field, `missing: ${components.map((c, i) => paramName(c, i)).join(', ')}`);
  }
  if (typeof value !== 'object') invalid(field, 'must be an object keyed by parameter names (or a positional array)');
  const obj = value as Record<string, unknown>;
  const names = components.map((c, i) => paramName(c, i));
  for (const k of Object.keys(obj)) if (!names.includes(k)) invalid(`${field}.${k}`, `unknown parameter (expected: ${names.join(', ') || 'none'})`);
  return components.map((c, i) => {
    const name = names[i]!;
    if (!(name in obj)) invalid(`${field}.${name}`, 'missing');
    return toAbiValue(c, obj[name], `${field}.${name}`);
  });
}

/** A decoded ABI value as JSON: integers as decimal strings, tuples as objects keyed by component names, bytes as 0x hex. */
export function fromAbiValue(p: Tuple, value: unknown): unknown {
  const arr = arrayOf(p.type);
  if (arr !== undefined) {
    const inner = { ...p, type: arr.inner } as Tuple;
    return (value as readonly unknown[]).map((v) => fromAbiValue(inner, v));
  }
  if (p.type === 'tuple') return fromTupleValue(p.components ?? [], value);
  if (typeof value === 'bigint') return value.toString();
  return value;
}

/** Positional (or viem's named) tuple values → an object keyed by component names (unnamed: `<prefix><i>`). */
export function fromTupleValue(components: readonly Tuple[], value: unknown, prefix: 'arg' | 'out' = 'arg'): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  components.forEach((c, i) => {
    const v = Array.isArray(value) ? value[i] : (value as Record<string, unknown>)[c.name ?? ''];
    out[paramName(c, i, prefix)] = fromAbiValue(c, v);
  });
  return out;
}

/**
 * GET arguments (query parameter text, by input name) → JSON arguments, by each input's ABI type: arrays and tuples
 * are JSON text, `bool` is `true` / `false`, every other type stays the string it is (a `string` input starting with
 * `[` or `{` is a string, never parsed). Parameters that name no input are kept as they are (the encoder refuses them).
 */
export function fromQueryArgs(inputs: readonly Tuple[], query: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const byName = new Map(inputs.map((p, i) => [paramName(p, i), p]));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(query)) {
    const p = byName.get(k);
    if (p === undefined || typeof v !== 'string') {
      out[k] = v;
      continue;
    }
    if (arrayOf(p.type) !== undefined || p.type === 'tuple') {
      try {
        out[k] = JSON.parse(v);
      } catch {
        invalid(`args.${k}`, `${p.type} must be JSON text in a query parameter`);
      }
    } else if (p.type === 'bool') out[k] = v === 'true' ? true : v === 'false' ? false : v;
    else out[k] = v;
  }
  return out;
}
