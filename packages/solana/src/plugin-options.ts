import { ErrorCode, openKmsError } from '@openkms/core';
import type { JsonSchema } from '@openkms/core';
import { BASE58_ADDRESS_PATTERN, decodeSolanaAddress } from './solana-address.js';

/** Default and bounds of `rpc_timeout_ms`: an unreachable RPC must fail fast (fail closed, 503). */
export const DEFAULT_RPC_TIMEOUT_MS = 2000;
export const MAX_RPC_TIMEOUT_MS = 10_000;

/** The validated options of the Solana plugin (`[plugins.solana]` or `[plugins.options.solana]`). */
export interface SolanaPluginConfig {
  /** The operator's Solana JSON-RPC endpoint (http or https): a trusted source of lookup tables and token accounts. */
  readonly rpcUrl?: string;
  readonly rpcTimeoutMs: number;
  /** Pinned lookup tables: table address → its addresses, in order. Trusted as written. */
  readonly lookupTables: ReadonlyMap<string, readonly string[]>;
}

const address = { type: 'string', pattern: BASE58_ADDRESS_PATTERN } as const;

/** JSON Schema of the plugin's options (checked by the plugin itself when the signer creates it). */
export const solanaPluginOptionsSchema: JsonSchema = {
  title: 'SolanaPluginOptions',
  type: 'object',
  additionalProperties: false,
  properties: {
    rpc_url: { type: 'string', pattern: '^https?://', description: 'Solana JSON-RPC endpoint the operator trusts (getAccountInfo).' },
    rpc_timeout_ms: { type: 'integer', minimum: 1, maximum: MAX_RPC_TIMEOUT_MS, default: DEFAULT_RPC_TIMEOUT_MS },
    lookup_tables: {
      type: 'object',
      description: 'Pinned address lookup tables: table address → addresses in table order.',
      propertyNames: address,
      additionalProperties: { type: 'array', maxItems: 256, items: address },
    },
  },
};

function invalid(path: string, message: string): never {
  throw openKmsError(ErrorCode.configInvalid, `plugins.solana.${path}: ${message}`, { path: `plugins.solana.${path}` });
}

/** Validates the plugin options (unknown option, bad URL, bad address → `config_invalid` with the dotted path). */
export function parseSolanaPluginOptions(raw: Readonly<Record<string, unknown>> = {}): SolanaPluginConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) invalid('(root)', 'must be a table');
  for (const key of Object.keys(raw)) {
    if (!['rpc_url', 'rpc_timeout_ms', 'lookup_tables'].includes(key)) invalid(key, `unknown option "${key}" (known: rpc_url, rpc_timeout_ms, lookup_tables)`);
  }
  let rpcUrl: string | undefined;
  if (raw.rpc_url !== undefined) {
    if (typeof raw.rpc_url !== 'string') invalid('rpc_url', 'must be a string');
    let url: URL;
    try {
      url = new URL(raw.rpc_url);
    } catch {
      invalid('rpc_url', 'is not a URL');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') invalid('rpc_url', 'must be an http or https URL');
    rpcUrl = raw.rpc_url;
  }
  let rpcTimeoutMs = DEFAULT_RPC_TIMEOUT_MS;
  if (raw.rpc_timeout_ms !== undefined) {
    const n = typeof raw.rpc_timeout_ms === 'bigint' ? Number(raw.rpc_timeout_ms) : raw.rpc_timeout_ms;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_RPC_TIMEOUT_MS)
      invalid('rpc_timeout_ms', `must be an integer from 1 to ${MAX_RPC_TIMEOUT_MS}`);
    rpcTimeoutMs = n;
  }
  const lookupTables = new Map<string, readonly string[]>();
  if (raw.lookup_tables !== undefined) {
    const tables = raw.lookup_tables;
    if (typeof tables !== 'object' || tables === null || Array.isArray(tables)) invalid('lookup_tables', 'must be a table of address → [addresses]');
    for (const [table, entries] of Object.entries(tables as Record<string, unknown>)) {
      if (decodeSolanaAddress(table) === undefined) invalid(`lookup_tables.${table}`, 'the table key is not a base58 32-byte address');
      if (!Array.isArray(entries) || entries.length > 256) invalid(`lookup_tables.${table}`, 'must be an array of at most 256 addresses');
      entries.forEach((entry: unknown, i: number) => {
        if (typeof entry !== 'string' || decodeSolanaAddress(entry) === undefined) invalid(`lookup_tables.${table}[${i}]`, 'is not a base58 32-byte address');
      });
      lookupTables.set(table, Object.freeze([...(entries as string[])]));
    }
  }
  return { ...(rpcUrl === undefined ? {} : { rpcUrl }), rpcTimeoutMs, lookupTables };
}
