import type { JsonSchema } from '@openkms/core';

/** `[backends.<name>]` options of `kind = "vault"` (snake_case, as written in TOML). */
export interface VaultOptions {
  /** Vault address, e.g. "https://vault.internal:8200". */
  readonly address: string;
  /** Vault Enterprise namespace (X-Vault-Namespace). */
  readonly namespace?: string;
  /** PEM CA bundle that signs the Vault server's certificate (resolved against the config directory). */
  readonly ca_file?: string;
  /** Token auth: a file holding the token (0600; e.g. written by Vault Agent). Re-read when Vault refuses the token. */
  readonly token_file?: string;
  /** AppRole auth: the role id (not a secret) and a file holding the secret id. */
  readonly approle?: { readonly role_id: string; readonly secret_id_file: string; readonly mount?: string };
  /** Mount path of the transit engine holding ed25519 keys. Default "transit". */
  readonly transit_mount?: string;
  /** Discovery: only transit keys whose name starts with this prefix. Default: every ed25519 key of the mount. */
  readonly key_prefix?: string;
  /** Deadline per operation, retries and login included (ms). Default 10 000. */
  readonly timeout_ms?: number;
  /** Attempts per operation on 429 / 5xx / network faults (first try included). Default 4. */
  readonly max_attempts?: number;
}

/** A mount path: segments that start with a letter or digit (no `.` / `..` segments). */
const path = { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9_.-]*(/[A-Za-z0-9][A-Za-z0-9_.-]*)*$' } as const;

export const vaultOptionsSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['address'],
  oneOf: [{ required: ['token_file'] }, { required: ['approle'] }],
  properties: {
    address: { type: 'string', pattern: '^https?://', description: 'Vault address, e.g. "https://vault.internal:8200".' },
    namespace: { type: 'string', minLength: 1, description: 'Vault Enterprise namespace.' },
    ca_file: { type: 'string', minLength: 1, description: 'PEM CA bundle for the Vault server certificate.' },
    token_file: { type: 'string', minLength: 1, description: 'File holding a Vault token (token auth).' },
    approle: {
      type: 'object',
      additionalProperties: false,
      required: ['role_id', 'secret_id_file'],
      properties: {
        role_id: { type: 'string', minLength: 1, description: 'AppRole role id (not a secret).' },
        secret_id_file: { type: 'string', minLength: 1, description: 'File holding the AppRole secret id.' },
        mount: { ...path, description: 'AppRole auth mount. Default "approle".' },
      },
    },
    transit_mount: { ...path, description: 'Transit engine mount. Default "transit".' },
    key_prefix: { type: 'string', minLength: 1, description: 'Discovery: only keys whose name starts with this.' },
    timeout_ms: { type: 'integer', minimum: 100, maximum: 120000, description: 'Deadline per operation. Default 10000.' },
    max_attempts: { type: 'integer', minimum: 1, maximum: 10, description: 'Attempts on 429 / 5xx. Default 4.' },
  },
};
