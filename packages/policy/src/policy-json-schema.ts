import type { JsonSchema, PolicyAliases } from '@openkms/core';
import { AMOUNT_PATTERN, ASSET_ID_PATTERN } from './parse-policy.js';

const ID_PATTERN = '^\\S+$';

const amount: JsonSchema = {
  type: 'string',
  pattern: AMOUNT_PATTERN,
  maxLength: 78,
  description: 'Amount in base units as a decimal string (lamports, uatom, …).',
  examples: ['5000000000'],
};
const id: JsonSchema = { type: 'string', minLength: 1, maxLength: 256, pattern: ID_PATTERN };
const idList: JsonSchema = { type: 'array', items: id };
const signLimit: JsonSchema = { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER };

function assetCaps(description: string, nullable: boolean): JsonSchema {
  return {
    type: 'object',
    description,
    propertyNames: { pattern: ASSET_ID_PATTERN, maxLength: 256 },
    additionalProperties: nullable ? { anyOf: [amount, { type: 'null' }] } : amount,
  };
}

const allowedProgram: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id'],
  properties: {
    id: { ...id, description: 'Program id (base58 for Solana).' },
    comment: { type: 'string', maxLength: 1024 },
    instructions: { ...idList, description: 'If present, only these instruction kinds of the program are allowed (names as the intent reports them).' },
    allow_unknown_instructions: { type: 'boolean', default: false, description: "Admit this program's instructions the chain plugin could not decode." },
  },
};

function allowedMessage(bareNamespace: string | undefined): JsonSchema {
  return {
    type: 'object',
    additionalProperties: false,
    required: ['type_url'],
    properties: {
      type_url: { ...id, description: 'Message type URL, e.g. /cosmos.bank.v1beta1.MsgSend.' },
      allowed_recipients: { ...idList, description: 'If present, transfers through this message type must go to one of these.' },
      allowed_contracts: { ...idList, description: 'If present, contract calls through this message type must target one of these.' },
      allowed_methods: { ...idList, description: 'If present, contract calls through this message type must use one of these methods.' },
      allowed_channels: {
        ...idList,
        description: 'If present, transfers through this message type (IBC MsgTransfer) must use one of these source channels.',
      },
      per_tx_cap: {
        type: 'object',
        description:
          bareNamespace === undefined
            ? 'Asset id → cap per transaction on transfers through this message type.'
            : `Asset id (a bare name means ${bareNamespace}:<name>) → cap per transaction on transfers through this message type.`,
        propertyNames: bareNamespace === undefined ? { pattern: ASSET_ID_PATTERN, maxLength: 256 } : { pattern: '^\\S+$', maxLength: 256 },
        additionalProperties: amount,
      },
    },
  };
}

const allowedRecipients: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['addresses'],
  description: 'Applies to transfers via `program` and/or of `asset` (both absent: every transfer).',
  properties: {
    program: id,
    asset: { type: 'string', pattern: ASSET_ID_PATTERN, maxLength: 256 },
    addresses: idList,
  },
};

const allowedContract: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['address', 'methods'],
  properties: {
    address: { type: 'string', pattern: '^0x[0-9a-fA-F]{40}$', description: 'Contract address (any case; compared case-insensitively).' },
    methods: {
      type: 'array',
      items: { type: 'string', pattern: '^(\\*|0x[0-9a-fA-F]{8}|[A-Za-z_$][A-Za-z0-9_$]{0,127})$' },
      description: 'Method names ("transfer"), 4-byte selectors ("0x095ea7b3") or "*" (any method); [] allows none.',
    },
    comment: { type: 'string', maxLength: 1024 },
  },
};

function policyProperties(nullable: boolean, aliases: PolicyAliases | undefined): Record<string, JsonSchema> {
  const n = (s: JsonSchema): JsonSchema => (nullable ? { anyOf: [s, { type: 'null' }] } : s);
  const props: Record<string, JsonSchema> = {
    enabled: n({ type: 'boolean', default: true, description: 'False stops every signature of this key.' }),
    max_signs_per_minute: n({ ...signLimit, description: 'Signatures per rolling minute.' }),
    max_signs_per_hour: n({ ...signLimit, description: 'Signatures per rolling hour.' }),
    max_signs_per_day: n({ ...signLimit, description: 'Signatures per rolling 24 h.' }),
    per_tx_caps: n(assetCaps('Asset id (native, spl:<mint>, denom:<denom>, …) → cap per transaction.', nullable)),
    window_caps: n(assetCaps('Asset id → cap over a rolling 24 h window.', nullable)),
    fee_caps: n(assetCaps('Fee asset id → cap on the fees of one transaction.', nullable)),
    deny_uncapped_assets: n({
      type: 'boolean',
      default: true,
      description: 'Deny transfers of assets that no cap names (default). False is dangerous: any uncapped asset can be sent in any amount.',
    }),
    allow_unknown_instructions: n({
      type: 'boolean',
      default: false,
      deprecated: true,
      description: 'Deprecated: admits undecoded actions of every allowed program. Use allowed_programs[].allow_unknown_instructions.',
    }),
    allowed_programs: n({ type: 'array', items: allowedProgram, description: 'Programs a transaction may invoke (absent or empty: none).' }),
    allowed_messages: n({
      type: 'array',
      items: allowedMessage(aliases?.bareAssetNamespace),
      description: 'Message types a transaction may contain (absent or empty: none).',
    }),
    allowed_recipients: n({ type: 'array', items: allowedRecipients }),
    allowed_contracts: n({ type: 'array', items: allowedContract, description: 'Contracts (EVM) a transaction may call directly (absent or empty: none).' }),
    allowed_flags: n({
      type: 'array',
      items: { type: 'string', pattern: '^[a-z][a-z0-9_]{0,63}$' },
      description:
        'Risk flags this key may carry (contract_creation, unlimited_approval, nft_transfer, nft_approval_for_all, blob_transaction, delegation_authorization, personal_message); absent or empty: none.',
    }),
    approval: n({
      type: 'object',
      additionalProperties: false,
      description: 'Otherwise allowed requests that wait (HTTP 202) for an operator approval before they are signed.',
      properties: {
        above: {
          type: 'object',
          propertyNames: { pattern: ASSET_ID_PATTERN, maxLength: 256 },
          additionalProperties: amount,
          description: 'Asset id → amount in base units; strictly more needs an approval.',
        },
        programs: { type: 'array', items: { type: 'string', minLength: 1, maxLength: 256 } },
        message_types: { type: 'array', items: { type: 'string', minLength: 1, maxLength: 256 } },
        contracts: { type: 'array', items: { type: 'string', minLength: 1, maxLength: 256 } },
        ttl_secs: { type: 'integer', minimum: 1, maximum: 604800, default: 900 },
        approvers: { type: 'array', items: { type: 'string', pattern: '^[A-Za-z0-9._-]{1,64}$' } },
        quorum: { type: 'integer', minimum: 1, maximum: 16, default: 1 },
        webhook_url: {
          type: 'string',
          pattern: '^https?://\\S{1,2040}$',
          description: "This key's own webhook, besides the signer's [approvals] one (with webhook_secret_file).",
        },
        webhook_secret_file: { type: 'string', minLength: 1, maxLength: 4096, description: 'The file of its HMAC-SHA256 secret (mode 0600).' },
        webhook_include_request: {
          type: 'boolean',
          default: false,
          description: "Also send the agent's request (raw transaction bytes) to this key's webhook.",
        },
      },
    }),
  };
  for (const [name, alias] of Object.entries(aliases?.fields ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
    props[name] = n({ ...amount, description: alias.description ?? `Alias of ${alias.field}.${alias.asset}.` });
  }
  return props;
}

/**
 * JSON Schema (draft 2020-12 vocabulary; no `$schema` keyword so it can be embedded) of a key's policy table as
 * written in the config, with the alias fields of a chain plugin. Unknown keys are rejected. `parsePolicy` enforces
 * the same rules (and a few the schema cannot express: alias conflicts, duplicate program ids / type URLs).
 */
export function policyJsonSchemaFor(aliases?: PolicyAliases): JsonSchema {
  return { title: 'KeyPolicy', type: 'object', additionalProperties: false, properties: policyProperties(false, aliases) };
}

/** JSON Schema of a policy overlay / PATCH body: every field optional and nullable (null clears it). */
export function policyOverlayJsonSchemaFor(aliases?: PolicyAliases): JsonSchema {
  return { title: 'KeyPolicyOverlay', type: 'object', additionalProperties: false, properties: policyProperties(true, aliases) };
}

/** The policy schema without any chain's aliases. */
export const policyJsonSchema: JsonSchema = policyJsonSchemaFor();

/** The overlay schema without any chain's aliases. */
export const policyOverlayJsonSchema: JsonSchema = policyOverlayJsonSchemaFor();

/** The aliases of several plugins together (for a schema that serves every chain, e.g. the OpenAPI document). */
export function mergePolicyAliases(list: readonly (PolicyAliases | undefined)[]): PolicyAliases {
  const fields: Record<string, NonNullable<PolicyAliases['fields']>[string]> = {};
  const namespaces = new Set<string>();
  for (const a of list) {
    for (const [name, alias] of Object.entries(a?.fields ?? {})) fields[name] ??= alias;
    if (a?.bareAssetNamespace !== undefined) namespaces.add(a.bareAssetNamespace);
  }
  const bare = namespaces.size === 1 ? [...namespaces][0] : namespaces.size > 1 ? '<chain namespace>' : undefined;
  return { fields, ...(bare === undefined ? {} : { bareAssetNamespace: bare }) };
}
