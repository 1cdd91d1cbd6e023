import type { JsonSchema } from '@openkms/core';

/** `[backends.<name>]` with kind = "pkcs11", as written in TOML. */
export interface Pkcs11PluginOptions {
  readonly module: string;
  readonly token_label: string;
  readonly pin_file: string;
  readonly pool_size?: number;
  readonly timeout_ms?: number;
}

export const PKCS11_OPTIONS_SCHEMA: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['module', 'token_label', 'pin_file'],
  properties: {
    module: { type: 'string', minLength: 1, description: 'Path of the PKCS#11 module (.so).' },
    token_label: { type: 'string', minLength: 1, maxLength: 32, description: "The token's label." },
    pin_file: { type: 'string', minLength: 1, description: 'File (mode 0600) holding the user PIN.' },
    pool_size: { type: 'integer', minimum: 1, maximum: 32, description: 'Sessions kept open for signing (default 4).' },
    timeout_ms: { type: 'integer', minimum: 100, maximum: 120000, description: 'Deadline of one signing call (default 5000).' },
  },
};

/** `key_id` of a PKCS#11 key: the object's CKA_LABEL, or `id:<hex>` for its CKA_ID. */
export const PKCS11_KEY_ID_SCHEMA: JsonSchema = { type: 'string', minLength: 1, maxLength: 256 };
