import type { JsonSchema } from '@openkms/core';

/** `[backends.<name>]` (kind = "yubihsm") or the old `[backend.yubihsm]` table, as written in TOML. */
export interface YubiHsmPluginOptions {
  readonly connectors?: readonly string[];
  readonly auth_key_id?: number;
  readonly password_file?: string;
  readonly password_encoding?: 'utf8' | 'hex';
  readonly pool_size?: number;
  readonly command_timeout_ms?: number;
  readonly allow_simulated?: boolean;
  readonly tls?: { readonly ca_file?: string; readonly cert_file?: string; readonly key_file?: string; readonly reject_unauthorized?: boolean };
}

/** JSON Schema of the YubiHSM2 backend's options (the old `[backend.yubihsm]` table's keys). */
export const YUBIHSM_OPTIONS_SCHEMA: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    connectors: { type: 'array', minItems: 1, maxItems: 16, items: { type: 'string', pattern: '^https?://' } },
    auth_key_id: { type: 'integer', minimum: 1, maximum: 65534 },
    password_file: { type: 'string', minLength: 1 },
    password_encoding: { enum: ['utf8', 'hex'] },
    pool_size: { type: 'integer', minimum: 1, maximum: 16 },
    command_timeout_ms: { type: 'integer', minimum: 100, maximum: 120000 },
    allow_simulated: { type: 'boolean' },
    tls: {
      type: 'object',
      additionalProperties: false,
      properties: {
        ca_file: { type: 'string' },
        cert_file: { type: 'string' },
        key_file: { type: 'string' },
        reject_unauthorized: { type: 'boolean' },
      },
    },
  },
};

/** A YubiHSM2 object id as a key's `key_id`: "0x" and 4 hex digits. */
export const YUBIHSM_KEY_ID_SCHEMA: JsonSchema = { type: 'string', pattern: '^0x[0-9a-fA-F]{4}$' };
