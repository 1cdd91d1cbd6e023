import type { JsonSchema } from '@openkms/core';
import { BASE58_ADDRESS_PATTERN } from './solana-address.js';

/** Longest accepted `message_b64`: base64 of a whole Solana packet (1232 bytes) fits in 1644 characters. */
export const MAX_MESSAGE_B64_LENGTH = 2000;

/** An address lookup table the client resolved (used for v0 messages, ignored for legacy ones). */
export interface AddressLookupTableInput {
  readonly key: string;
  readonly addresses: readonly string[];
}

/** Body of POST /sign/solana (wire names of the original openKMS). */
export interface SolanaSignRequest {
  readonly label: string;
  /** The serialized message (what the signature covers), standard base64 with padding. */
  readonly message_b64: string;
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
};

const base58Address = { type: 'string', pattern: BASE58_ADDRESS_PATTERN } as const;

export const solanaSignRequestSchema: JsonSchema = {
  title: 'SolanaSignRequest',
  type: 'object',
  additionalProperties: false,
  required: ['label', 'message_b64'],
  properties: {
    label: { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._-]+$', description: 'Label of the configured key.' },
    message_b64: {
      type: 'string',
      minLength: 4,
      maxLength: MAX_MESSAGE_B64_LENGTH,
      pattern: '^[A-Za-z0-9+/]*={0,2}$',
      contentEncoding: 'base64',
      description: 'Serialized Solana message (legacy format), standard base64 with padding.',
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
      description: 'Resolved address lookup tables for versioned messages (not used by legacy messages).',
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
  required: ['signature_b64', 'signature_b58', 'signer_address'],
  properties: {
    signature_b64: { type: 'string', contentEncoding: 'base64', description: '64-byte ed25519 signature over the message bytes.' },
    signature_b58: { type: 'string', description: 'The same signature in base58 (the transaction id if the key pays the fee).' },
    signer_address: base58Address,
  },
};
