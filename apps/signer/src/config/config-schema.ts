import type { JsonSchema } from '@openkms/core';
import { YUBIHSM_OPTIONS_SCHEMA } from '@openkms/yubihsm/options';

const listen = { type: 'string', pattern: '^(\\[[0-9a-fA-F:.]+\\]|[A-Za-z0-9.-]+):[0-9]{1,5}$' } as const;
const label = { type: 'string', pattern: '^[A-Za-z0-9._-]{1,64}$' } as const;

/**
 * `[server.tls]`: native HTTPS; with `client_ca_file`, mutual TLS is required and `[[server.tls.client_identities]]`
 * map client certificates (by subject CN or SHA-256 fingerprint) to an identity with scopes, like a token's.
 */
const serverTls = {
  type: 'object',
  additionalProperties: false,
  required: ['cert_file', 'key_file'],
  properties: {
    cert_file: { type: 'string', minLength: 1 },
    key_file: { type: 'string', minLength: 1 },
    client_ca_file: { type: 'string', minLength: 1 },
    client_identities: {
      type: 'array',
      maxItems: 1000,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'scopes'],
        oneOf: [{ required: ['subject_cn'] }, { required: ['fingerprint_sha256'] }],
        properties: {
          name: label,
          subject_cn: { type: 'string', minLength: 1, maxLength: 256 },
          fingerprint_sha256: { type: 'string', pattern: '^([0-9A-Fa-f]{2}:){31}[0-9A-Fa-f]{2}$|^[0-9A-Fa-f]{64}$' },
          scopes: { type: 'array', minItems: 1, items: { type: 'string', pattern: '^(sign|read|admin|approve)(:[A-Za-z0-9._-]{1,64})?$' } },
        },
      },
    },
  },
} as const;

/**
 * JSON Schema of the signer's TOML configuration. Unknown keys are errors everywhere, so a typo stops startup
 * with the dotted path of the offending key. A key's `options` and `policy` tables are checked afterwards, with the
 * JSON Schemas of the key's chain plugin (see check-keys.ts), because what they may contain depends on the chain.
 */
export function configSchema(): JsonSchema {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://openkms.dev/schemas/config.v1.json',
    title: 'openKMS signer configuration',
    type: 'object',
    additionalProperties: false,
    properties: {
      server: {
        type: 'object',
        additionalProperties: false,
        properties: {
          listen,
          max_body_bytes: { type: 'integer', minimum: 256, maximum: 10485760 },
          request_timeout_ms: { type: 'integer', minimum: 100, maximum: 600000 },
          max_in_flight: { type: 'integer', minimum: 1, maximum: 100000 },
          max_in_flight_per_backend: { type: 'integer', minimum: 1, maximum: 100000 },
          shutdown_grace_ms: { type: 'integer', minimum: 0, maximum: 600000 },
          tls: serverTls,
        },
      },
      logging: {
        type: 'object',
        additionalProperties: false,
        properties: {
          level: { enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] },
          file: { type: 'string', minLength: 1 },
        },
      },
      auth: {
        type: 'object',
        additionalProperties: false,
        properties: {
          token_file: { type: 'string', minLength: 1 },
          metrics_require_auth: { type: 'boolean' },
          public_keys: { type: 'boolean' },
          denied_per_minute: { type: 'integer', minimum: 1, maximum: 1000000 },
        },
      },
      audit: {
        type: 'object',
        additionalProperties: false,
        properties: {
          dir: { type: 'string', minLength: 1 },
          key_file: { type: 'string', minLength: 1 },
          max_bytes: { type: 'integer', minimum: 4096 },
          daily: { type: 'boolean' },
        },
      },
      state: {
        type: 'object',
        additionalProperties: false,
        properties: {
          file: { type: 'string', minLength: 1 },
          // fleet mode: "redis" shares counters, reservations, kill switches and overlays with other instances
          kind: { enum: ['memory', 'redis'] },
          instance_id: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' },
          redis: {
            type: 'object',
            additionalProperties: false,
            required: ['url'],
            properties: {
              url: { type: 'string', pattern: '^rediss?://[^\\s]+$' },
              key_prefix: { type: 'string', minLength: 1, maxLength: 128 },
              username: { type: 'string', minLength: 1 },
              password_file: { type: 'string', minLength: 1 },
              reservation_lease_secs: { type: 'integer', minimum: 1, maximum: 86400 },
              command_timeout_ms: { type: 'integer', minimum: 50, maximum: 60000 },
              tls: {
                type: 'object',
                additionalProperties: false,
                properties: {
                  ca_file: { type: 'string', minLength: 1 },
                  cert_file: { type: 'string', minLength: 1 },
                  key_file: { type: 'string', minLength: 1 },
                  reject_unauthorized: { type: 'boolean' },
                },
              },
            },
          },
        },
      },
      approvals: {
        type: 'object',
        additionalProperties: false,
        required: ['webhook_url', 'webhook_secret_file'],
        properties: {
          webhook_url: { type: 'string', pattern: '^https?://[^\\s]+$' },
          webhook_secret_file: { type: 'string', minLength: 1 },
        },
      },
      pairing: {
        type: 'object',
        additionalProperties: false,
        properties: {
          enabled: { type: 'boolean' },
          ttl_secs: { type: 'integer', minimum: 1, maximum: 86400 },
          max_pending: { type: 'integer', minimum: 1, maximum: 10000 },
          requests_per_minute_per_ip: { type: 'integer', minimum: 1, maximum: 10000 },
          requests_per_minute: { type: 'integer', minimum: 1, maximum: 100000 },
        },
      },
      replay: {
        type: 'object',
        additionalProperties: false,
        properties: {
          max_entries: { type: 'integer', minimum: 0, maximum: 10000000 },
          max_bytes: { type: 'integer', minimum: 0, maximum: 1073741824 },
          ttl_secs: { type: 'integer', minimum: 0, maximum: 86400 },
        },
      },
      backend: {
        type: 'object',
        additionalProperties: false,
        required: ['kind'],
        properties: {
          kind: { enum: ['yubihsm'] },
          // the YubiHSM2 backend plugin's own options schema: one source for both spellings of its table (load-config
          // reads these values before the backend plugins check [backends.<name>])
          yubihsm: YUBIHSM_OPTIONS_SCHEMA,
        },
      },
      backends: {
        type: 'object',
        description: "Key backends by name: `kind` picks the backend plugin; the other keys are checked with that plugin's optionsSchema.",
        propertyNames: { pattern: '^[A-Za-z0-9_-]{1,32}$' },
        additionalProperties: {
          type: 'object',
          required: ['kind'],
          properties: { kind: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,31}$' } },
        },
      },
      plugins: {
        type: 'object',
        // [plugins.<chain>] is shorthand for [plugins.options.<chain>] (e.g. [plugins.solana] rpc_url = …)
        propertyNames: { pattern: '^(enabled|search_paths|options|[a-z0-9][a-z0-9-]{0,31})$' },
        additionalProperties: { type: 'object' },
        properties: {
          enabled: { type: 'array', items: { type: 'string', minLength: 1 }, uniqueItems: true },
          search_paths: { type: 'array', items: { type: 'string', minLength: 1 } },
          options: { type: 'object', additionalProperties: { type: 'object' } },
        },
      },
      networks: {
        type: 'object',
        propertyNames: label,
        description: 'JSON-RPC networks served at POST /rpc/<chain>/<name>; fields besides these are checked by the chain plugin.',
        additionalProperties: {
          type: 'object',
          required: ['chain', 'upstream'],
          properties: {
            chain: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,31}$' },
            upstream: { type: 'string', pattern: '^https?://[^\\s]+$' },
            upstream_timeout_ms: { type: 'integer', minimum: 100, maximum: 120000 },
          },
        },
      },
      gateway: {
        type: 'object',
        additionalProperties: false,
        description: 'The REST gateway (/gateway/<contract>/<method>): contracts registered from config.',
        properties: {
          contracts: {
            type: 'object',
            propertyNames: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$', not: { const: 'receipts' } },
            additionalProperties: {
              type: 'object',
              additionalProperties: false,
              required: ['network', 'address', 'abi_file'],
              properties: {
                network: label,
                address: { type: 'string', minLength: 1 },
                abi_file: {
                  type: 'string',
                  minLength: 1,
                  description: 'JSON ABI (an array, or a compiler artifact with an abi field), relative to the config file',
                },
              },
            },
          },
        },
      },
      keys: {
        type: 'object',
        propertyNames: label,
        additionalProperties: {
          type: 'object',
          additionalProperties: false,
          required: ['chain', 'key_id'],
          properties: {
            chain: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{0,31}$' },
            backend: {
              type: 'string',
              pattern: '^[A-Za-z0-9_-]{1,32}$',
              description: 'The backend (`[backends.<name>]`) holding the key; default: the only one.',
            },
            key_id: {
              type: 'string',
              minLength: 1,
              maxLength: 256,
              description: "The key's id in its backend, checked with the backend plugin's keyIdSchema.",
            },
            derivation_path: { type: 'string' },
            options: { type: 'object', description: "Chain options, checked with the chain plugin's keyOptionsSchema." },
            policy: { type: 'object', description: "The key's policy, checked with @openkms/policy and the chain plugin." },
          },
        },
      },
    },
  };
}
