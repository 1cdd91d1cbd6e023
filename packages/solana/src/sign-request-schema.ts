import type { JsonSchema } from '@openkms/core';
import { BASE58_ADDRESS_PATTERN } from './solana-address.js';

/** Longest accepted `message_b64` / `transaction_b64`: base64 of a whole Solana packet (1232 bytes) fits in 1644 characters. */
export const MAX_MESSAGE_B64_LENGTH = 2000;

/** Lookup-table contents as the client believes them: a hint checked against the trusted source, never trusted. */
export interface AddressLookupTableInput {
  readonly key: string;
  readonly addresses: readonly string[];
}

/** Body of POST /sign/solana (wire names of the original openKMS). */
export interface SolanaSignRequest {
  readonly label: string;
  /** The serialized message (what the signature covers), standard base64 with padding. Exactly one of message_b64 / transaction_b64. */
  readonly message_b64?: string;
  /** A serialized transaction (legacy or v0, possibly partially signed); the signature covers its message. */
  readonly transaction_b64?: string;
  /** Cluster name the client expects (e.g. "mainnet-beta"); reported as the intent's network. */
  readonly expected_chain_id?: string;
  readonly address_lookup_tables?: readonly AddressLookupTableInput[];
}

/** 200 response of POST /sign/solana. `signature_b64` is the original field; the other two are additions. */
export type SolanaSignResponse = {
  /** 64-byte ed25519 signature over the message bytes, base64. */
  readonly signature_b64: string;
  /** The same signature in base58 (the transaction id when the key is the fee payer). */
  readonly signature_b58: string;
  /** Base58 address of the key that signed. */
  readonly signer_address: string;
  /** Base58 address of the fee payer (the first account key). */
  readonly fee_payer: string;
  /** For transaction_b64: the same transaction with this signature in the key's slot, other bytes untouched. */
  readonly signed_transaction_b64?: string;
};

const base58Address = { type: 'string', pattern: BASE58_ADDRESS_PATTERN } as const;

export const solanaSignRequestSchema: JsonSchema = {
  title: 'SolanaSignRequest',
  type: 'object',
  additionalProperties: false,
  required: ['label'],
  oneOf: [{ required: ['message_b64'] }, { required: ['transaction_b64'] }],
  properties: {
    label: { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._-]+$', description: 'Label of the configured key.' },
    message_b64: {
      type: 'string',
      minLength: 4,
      maxLength: MAX_MESSAGE_B64_LENGTH,
      pattern: '^[A-Za-z0-9+/]*={0,2}$',
      contentEncoding: 'base64',
      description: 'Serialized Solana message (legacy or v0), standard base64 with padding. Exactly one of message_b64 and transaction_b64.',
    },
    transaction_b64: {
      type: 'string',
      minLength: 4,
      maxLength: MAX_MESSAGE_B64_LENGTH,
      pattern: '^[A-Za-z0-9+/]*={0,2}$',
      contentEncoding: 'base64',
      description:
        'Serialized Solana transaction (legacy or v0; unsigned or partially signed, e.g. from a swap API), standard base64. The response carries it back signed in signed_transaction_b64.',
    },
    expected_chain_id: {
      type: 'string',
      minLength: 1,
      maxLength: 64,
      description: 'Cluster the client expects (e.g. "mainnet-beta"); recorded as the intent network for policy.',
    },
    address_lookup_tables: {
      type: 'array',
      maxItems: 32,
      description:
        "Optional hint: the client's view of the lookup tables a v0 message uses. Never trusted: the signer resolves tables from pinned config or its own RPC, and a hint that differs is refused (lookup_table_mismatch).",
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['key', 'addresses'],
        properties: {
          key: base58Address,
          addresses: { type: 'array', maxItems: 256, items: base58Address },
        },
      },
    },
  },
};

export const solanaSignResponseSchema: JsonSchema = {
  title: 'SolanaSignResponse',
  type: 'object',
  additionalProperties: false,
  required: ['signature_b64', 'signature_b58', 'signer_address', 'fee_payer'],
  properties: {
    signature_b64: { type: 'string', contentEncoding: 'base64', description: '64-byte ed25519 signature over the message bytes.' },
    signature_b58: { type: 'string', description: 'The same signature in base58 (the transaction id if the key pays the fee).' },
    signer_address: base58Address,
    fee_payer: { ...base58Address, description: 'The fee payer (first account key) of the message.' },
    signed_transaction_b64: {
      type: 'string',
      contentEncoding: 'base64',
      description: 'For transaction_b64 requests: the transaction with this signature in the key slot, ready to broadcast once every slot is signed.',
    },
  },
};
