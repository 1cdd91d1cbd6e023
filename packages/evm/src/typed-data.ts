import { ErrorCode, openKmsError } from '@openkms/core';
import { concat, hashStruct, hexToBytes, isHex, validateTypedData } from 'viem/utils';
import type { Address, Hex, TypedDataDomain } from 'viem';
import { readAddress } from './evm-address.js';
import { MAX_LIST_ITEMS } from './sign-request-schema.js';
import type { EvmTypedDataJson } from './sign-request-schema.js';

type Field = { readonly name: string; readonly type: string };
export type TypedDataTypes = Readonly<Record<string, readonly Field[]>>;

/** Typed data with every value normalised (integers as bigint, addresses lower case, bytes as lower-case hex). */
export interface NormalizedTypedData {
  readonly domain: TypedDataDomain;
  readonly types: TypedDataTypes;
  readonly primaryType: string;
  readonly message: Readonly<Record<string, unknown>>;
}

const DOMAIN_FIELDS: Readonly<Record<string, string>> = {
  name: 'string',
  version: 'string',
  chainId: 'uint256',
  verifyingContract: 'address',
  salt: 'bytes32',
};

function bad(message: string, field: string): never {
  throw openKmsError(ErrorCode.invalidRequest, message, { field });
}

function readInteger(value: unknown, type: string, field: string): bigint {
  const m = /^(u?)int([0-9]+)$/.exec(type)!;
  const bits = BigInt(m[2]!);
  let n: bigint | undefined;
  if (typeof value === 'number' && Number.isSafeInteger(value)) n = BigInt(value);
  else if (typeof value === 'string' && value.length <= 80 && /^(-?(0|[1-9][0-9]*)|0x[0-9a-fA-F]+)$/.test(value)) n = BigInt(value);
  if (n === undefined) bad(`${field} must be an integer (decimal or 0x hex string, or a JSON safe integer)`, field);
  const signed = m[1] === '';
  const min = signed ? -(1n << (bits - 1n)) : 0n;
  const max = signed ? (1n << (bits - 1n)) - 1n : (1n << bits) - 1n;
  if (n < min || n > max) bad(`${field} is out of range for ${type}`, field);
  return n;
}

function normalizeValue(types: TypedDataTypes, type: string, value: unknown, field: string, depth: number): unknown {
  if (depth > 16) bad('typed data nests too deeply', field);
  const array = /^(.*)\[([0-9]*)\]$/.exec(type);
  if (array) {
    if (!Array.isArray(value) || value.length > MAX_LIST_ITEMS) bad(`${field} must be an array of at most ${MAX_LIST_ITEMS} items`, field);
    if (array[2] !== '' && value.length !== Number(array[2])) bad(`${field} must have exactly ${array[2]} items`, field);
    return value.map((v, i) => normalizeValue(types, array[1]!, v, `${field}[${i}]`, depth + 1));
  }
  if (types[type] !== undefined) return normalizeStruct(types, type, value, field, depth + 1);
  if (type === 'address') return readAddress(value, field);
  if (type === 'bool') {
    if (typeof value !== 'boolean') bad(`${field} must be true or false`, field);
    return value;
  }
  if (type === 'string') {
    if (typeof value !== 'string') bad(`${field} must be a string`, field);
    return value;
  }
  if (type === 'bytes') {
    if (typeof value !== 'string' || !isHex(value, { strict: true }) || value.length % 2 !== 0) bad(`${field} must be 0x hex bytes`, field);
    return value.toLowerCase();
  }
  const fixed = /^bytes([0-9]+)$/.exec(type);
  if (fixed) {
    const size = Number(fixed[1]);
    if (size < 1 || size > 32) bad(`${field}: ${type} is not a type`, field);
    if (typeof value !== 'string' || !new RegExp(`^0x[0-9a-fA-F]{${size * 2}}$`).test(value)) bad(`${field} must be ${size} bytes of 0x hex`, field);
    return value.toLowerCase();
  }
  if (/^u?int([0-9]+)$/.test(type)) {
    const bits = Number(/([0-9]+)$/.exec(type)![1]);
    if (bits < 8 || bits > 256 || bits % 8 !== 0) bad(`${field}: ${type} is not a type`, field);
    return readInteger(value, type, field);
  }
  return bad(`${field} has type ${type}, which is neither a Solidity type nor defined in types`, field);
}

function normalizeStruct(types: TypedDataTypes, type: string, value: unknown, field: string, depth: number): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) bad(`${field} must be an object (${type})`, field);
  const fields = types[type]!;
  const obj = value as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    if (!fields.some((f) => f.name === key)) bad(`${field}.${key} is not a field of ${type}`, `${field}.${key}`);
  }
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    if (!(f.name in obj)) bad(`${field}.${f.name} is missing (${type})`, `${field}.${f.name}`);
    out[f.name] = normalizeValue(types, f.type, obj[f.name], `${field}.${f.name}`, depth);
  }
  return out;
}

/**
 * Validates EIP-712 typed data strictly and normalises its values: every field of every struct present and no
 * other, integers in range, addresses well-formed (EIP-55 checked when mixed case), domain fields from the standard
 * set (and matching `types.EIP712Domain` when the client sends it). `invalid_request` names the first bad field.
 */
export function normalizeTypedData(json: EvmTypedDataJson): NormalizedTypedData {
  if (typeof json !== 'object' || json === null) bad('typed_data must be an object', 'typed_data');
  const { domain, types, primaryType, message } = json;
  if (typeof types !== 'object' || types === null || Array.isArray(types)) bad('typed_data.types must be an object', 'typed_data.types');
  if (typeof primaryType !== 'string' || primaryType === 'EIP712Domain' || types[primaryType] === undefined) {
    bad('typed_data.primaryType must name a struct defined in types (not EIP712Domain)', 'typed_data.primaryType');
  }
  if (typeof domain !== 'object' || domain === null || Array.isArray(domain)) bad('typed_data.domain must be an object', 'typed_data.domain');
  const normDomain: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(domain)) {
    const type = DOMAIN_FIELDS[key];
    if (type === undefined) bad(`typed_data.domain.${key} is not an EIP-712 domain field`, `typed_data.domain.${key}`);
    normDomain[key] = normalizeValue({}, type, value, `typed_data.domain.${key}`, 0);
  }
  const derived = eip712DomainTypes(normDomain);
  if (types.EIP712Domain !== undefined) {
    const given = types.EIP712Domain.map((f) => `${f.name}:${f.type}`).sort();
    const want = derived.map((f) => `${f.name}:${f.type}`).sort();
    if (given.join(',') !== want.join(',')) bad('typed_data.types.EIP712Domain does not match the domain fields', 'typed_data.types.EIP712Domain');
  }
  const allTypes: TypedDataTypes = { ...types, EIP712Domain: types.EIP712Domain ?? derived };
  const normMessage = normalizeStruct(allTypes, primaryType, message, 'typed_data.message', 0);
  try {
    validateTypedData({ domain: normDomain, types: allTypes, primaryType, message: normMessage } as never);
  } catch (err) {
    bad(`typed_data is not valid EIP-712: ${(err instanceof Error ? err.message : String(err)).split('\n')[0]}`, 'typed_data');
  }
  return { domain: normDomain as TypedDataDomain, types: allTypes, primaryType, message: normMessage };
}

/** The EIP712Domain struct of a domain: each field it has (not null or undefined), in the order EIP-712 fixes. */
function eip712DomainTypes(domain: Record<string, unknown>): Field[] {
  return (['name', 'version', 'chainId', 'verifyingContract', 'salt'] as const)
    .filter((name) => domain[name] != null)
    .map((name) => ({ name, type: DOMAIN_FIELDS[name]! }));
}

/** The bytes whose keccak256 is the EIP-712 digest: 0x1901 ‖ domainSeparator ‖ hashStruct(message). */
export function typedDataSigningBytes(data: NormalizedTypedData): Uint8Array {
  const types = data.types as Record<string, Field[]>;
  const parts: Hex[] = [
    '0x1901',
    hashStruct({ data: data.domain, primaryType: 'EIP712Domain', types } as never),
    hashStruct({ data: data.message, primaryType: data.primaryType, types } as never),
  ];
  return hexToBytes(concat(parts));
}

/** The domain's verifying contract in lower case, if any. */
export function verifyingContract(data: NormalizedTypedData): Address | undefined {
  const v = data.domain.verifyingContract;
  return v === undefined ? undefined : (v.toLowerCase() as Address);
}
