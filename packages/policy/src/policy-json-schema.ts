import type { JsonSchema } from '@openkms/core';
import { AMOUNT_PATTERN, ASSET_ID_PATTERN, DENOM_PATTERN } from './parse-policy.js';

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

const allowedMessage: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['type_url'],
  properties: {
    type_url: { ...id, description: 'Message type URL, e.g. /cosmos.bank.v1beta1.MsgSend.' },
    allowed_recipients: { ...idList, description: 'If present, transfers through this message type must go to one of these.' },
    allowed_contracts: { ...idList, description: 'If present, contract calls through this message type must target one of these.' },
    allowed_methods: { ...idList, description: 'If present, contract calls through this message type must use one of these methods.' },
    per_tx_cap: {
      type: 'object',
      description: 'Bare denom → cap per transaction on transfers through this message type.',
      propertyNames: { pattern: `^(denom:)?${DENOM_PATTERN.slice(1)}` },
      additionalProperties: amount,
    },
  },
};

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

function policyProperties(nullable: boolean): Record<string, JsonSchema> {
  const n = (s: JsonSchema): JsonSchema => (nullable ? { anyOf: [s, { type: 'null' }] } : s);
  return {
    enabled: n({ type: 'boolean', default: true, description: 'False stops every signature of this key.' }),
    max_signs_per_minute: n({ ...signLimit, description: 'Signatures per rolling minute.' }),
    max_signs_per_hour: n({ ...signLimit, description: 'Signatures per rolling hour.' }),
    max_signs_per_day: n({ ...signLimit, description: 'Signatures per rolling 24 h.' }),
    per_tx_caps: n(assetCaps('Asset id (native, spl:<mint>, denom:<denom>, …) → cap per transaction.', nullable)),
    window_caps: n(assetCaps('Asset id → cap over a rolling 24 h window.', nullable)),
    fee_caps: n(assetCaps('Fee asset id → cap on the fees of one transaction.', nullable)),
    per_tx_cap_lamports: n({ ...amount, description: 'Alias of per_tx_caps.native.' }),
    daily_cap_lamports: n({ ...amount, description: 'Alias of window_caps.native (rolling 24 h, not a calendar day).' }),
    deny_uncapped_assets: n({ type: 'boolean', default: false, description: 'Deny transfers of assets that have no cap.' }),
    allow_unknown_instructions: n({
      type: 'boolean',
      default: false,
      deprecated: true,
      description: 'Deprecated: admits undecoded actions of every allowed program. Use allowed_programs[].allow_unknown_instructions.',
    }),
    allowed_programs: n({ type: 'array', items: allowedProgram, description: 'Programs a transaction may invoke (absent or empty: none).' }),
    allowed_messages: n({ type: 'array', items: allowedMessage, description: 'Message types a transaction may contain (absent or empty: none).' }),
    allowed_recipients: n({ type: 'array', items: allowedRecipients }),
  };
}

/**
 * JSON Schema (draft 2020-12 vocabulary; no `$schema` keyword so it can be embedded) of a key's policy table as
 * written in the config. Unknown keys are rejected. `parsePolicy` enforces the same rules (and a few the schema
 * cannot express: alias conflicts, duplicate program ids / type URLs).
 */
export const policyJsonSchema: JsonSchema = {
  title: 'KeyPolicy',
  type: 'object',
  additionalProperties: false,
  properties: policyProperties(false),
};

/** JSON Schema of a policy overlay / PATCH body: every field optional and nullable (null clears it). */
export const policyOverlayJsonSchema: JsonSchema = {
  title: 'KeyPolicyOverlay',
  type: 'object',
  additionalProperties: false,
  properties: policyProperties(true),
};
