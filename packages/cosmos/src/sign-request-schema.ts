import type { JsonSchema } from '@openkms/core';

/** Longest accepted `sign_doc_b64` (base64 characters, i.e. about 192 KiB of sign doc). */
export const MAX_SIGN_DOC_B64_LENGTH = 262_144;

/** `sign_mode` values: `direct` (SIGN_MODE_DIRECT, the default) and `amino` (SIGN_MODE_LEGACY_AMINO_JSON). */
export type CosmosSignMode = 'direct' | 'amino';

/** Body of POST /sign/cosmos (wire names of the original openKMS, plus `sign_mode` / `sign_doc` for amino). */
export interface CosmosSignRequest {
  readonly label: string;
  /** Absent or `direct`: `sign_doc_b64` is required. `amino`: `sign_doc` is required. */
  readonly sign_mode?: CosmosSignMode;
  /** Protobuf SignDoc (SIGN_MODE_DIRECT) bytes, standard base64 with padding. */
  readonly sign_doc_b64?: string;
  /** Amino StdSignDoc JSON (SIGN_MODE_LEGACY_AMINO_JSON). */
  readonly sign_doc?: Readonly<Record<string, unknown>>;
  /** Must equal the document's chain_id. */
  readonly expected_chain_id: string;
}

/** The amino JSON form of the signing key's public key (what a StdSignature's `pub_key` holds). */
export interface CosmosPubKeyJson {
  /** `tendermint/PubKeySecp256k1`, `ethermint/PubKeyEthSecp256k1` or `injective/PubKeyEthSecp256k1`. */
  readonly type: string;
  /** 33-byte compressed secp256k1 public key, base64. */
  readonly value: string;
}

/** 200 response of POST /sign/cosmos. */
export type CosmosSignResponse = {
  /** 64-byte r‖s secp256k1 signature (low S) over sha256 (keccak256 for Ethermint-style keys) of the sign bytes, base64. */
  readonly signature_b64: string;
  /** Bech32 address of the signing key. */
  readonly signer_address: string;
  readonly pub_key: CosmosPubKeyJson;
};

const coin: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['denom', 'amount'],
  properties: { denom: { type: 'string', maxLength: 128 }, amount: { type: 'string', maxLength: 80 } },
};
const uintString: JsonSchema = { type: 'string', pattern: '^(0|[1-9][0-9]{0,19})$' };

/** JSON Schema of an amino StdSignDoc (the plugin re-checks everything and the messages' contents). */
export const aminoStdSignDocSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['chain_id', 'account_number', 'sequence', 'fee', 'msgs', 'memo'],
  description:
    'Amino StdSignDoc (SIGN_MODE_LEGACY_AMINO_JSON), as cosmjs makeSignDoc builds it. The bytes signed are its canonical form (cosmjs serializeSignDoc: keys sorted, <>& escaped).',
  properties: {
    chain_id: { type: 'string', minLength: 1, maxLength: 64 },
    account_number: uintString,
    sequence: uintString,
    fee: {
      type: 'object',
      additionalProperties: false,
      required: ['amount', 'gas'],
      properties: { amount: { type: 'array', maxItems: 16, items: coin }, gas: uintString, granter: { type: 'string' }, payer: { type: 'string' } },
    },
    msgs: {
      type: 'array',
      minItems: 1,
      maxItems: 256,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['type', 'value'],
        properties: { type: { type: 'string', minLength: 1, maxLength: 128, description: 'Amino type, e.g. cosmos-sdk/MsgSend.' }, value: { type: 'object' } },
      },
    },
    memo: { type: 'string', maxLength: 65536 },
    timeout_height: uintString,
  },
};

export const cosmosSignRequestSchema: JsonSchema = {
  title: 'CosmosSignRequest',
  type: 'object',
  additionalProperties: false,
  required: ['label', 'expected_chain_id'],
  description:
    'Direct mode: `sign_doc_b64` (with `sign_mode` absent or "direct"). Amino mode: `sign_mode: "amino"` with `sign_doc` (a StdSignDoc JSON object).',
  properties: {
    label: { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._-]+$', description: 'Label of the configured key.' },
    sign_mode: {
      type: 'string',
      enum: ['direct', 'amino'],
      default: 'direct',
      description: 'direct = SIGN_MODE_DIRECT (sign_doc_b64); amino = SIGN_MODE_LEGACY_AMINO_JSON (sign_doc).',
    },
    sign_doc_b64: {
      type: 'string',
      minLength: 4,
      maxLength: MAX_SIGN_DOC_B64_LENGTH,
      pattern: '^[A-Za-z0-9+/]*={0,2}$',
      contentEncoding: 'base64',
      description: 'Protobuf-encoded cosmos.tx.v1beta1.SignDoc (direct mode), standard base64 with padding.',
    },
    sign_doc: aminoStdSignDocSchema,
    expected_chain_id: {
      type: 'string',
      minLength: 1,
      maxLength: 64,
      description: "Chain id the client expects; the document's chain_id and the key's configured chain_id must equal it.",
    },
  },
  oneOf: [
    {
      title: 'direct',
      required: ['sign_doc_b64'],
      not: { required: ['sign_doc'] },
      properties: { sign_mode: { const: 'direct' } },
    },
    {
      title: 'amino',
      required: ['sign_mode', 'sign_doc'],
      not: { required: ['sign_doc_b64'] },
      properties: { sign_mode: { const: 'amino' } },
    },
  ],
};

export const cosmosSignResponseSchema: JsonSchema = {
  title: 'CosmosSignResponse',
  type: 'object',
  additionalProperties: false,
  required: ['signature_b64', 'signer_address', 'pub_key'],
  properties: {
    signature_b64: {
      type: 'string',
      contentEncoding: 'base64',
      description: '64-byte r‖s secp256k1 signature (low S) over sha256 of the sign bytes (keccak256 for Ethermint-style keys).',
    },
    signer_address: { type: 'string', description: 'Bech32 address of the signing key.' },
    pub_key: {
      type: 'object',
      additionalProperties: false,
      required: ['type', 'value'],
      description: 'The signing key in amino JSON form, as a StdSignature pub_key (cosmjs makeStdTx).',
      properties: {
        type: { type: 'string', enum: ['tendermint/PubKeySecp256k1', 'ethermint/PubKeyEthSecp256k1', 'injective/PubKeyEthSecp256k1'] },
        value: { type: 'string', contentEncoding: 'base64', description: '33-byte compressed secp256k1 public key.' },
      },
    },
  },
};
