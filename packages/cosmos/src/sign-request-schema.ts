import type { JsonSchema } from '@openkms/core';

/** Longest accepted `sign_doc_b64` (base64 characters, i.e. about 192 KiB of sign doc). */
export const MAX_SIGN_DOC_B64_LENGTH = 262_144;

/** Body of POST /sign/cosmos (wire names of the original openKMS). */
export interface CosmosSignRequest {
  readonly label: string;
  /** Protobuf SignDoc (SIGN_MODE_DIRECT) bytes, standard base64 with padding. */
  readonly sign_doc_b64: string;
  /** Must equal the sign doc's chain_id. */
  readonly expected_chain_id: string;
}

/** 200 response of POST /sign/cosmos. */
export type CosmosSignResponse = {
  /** 64-byte r‖s secp256k1 signature (low S) over sha256(sign doc bytes), base64. */
  readonly signature_b64: string;
  /** Bech32 address of the signing key. */
  readonly signer_address: string;
};

export const cosmosSignRequestSchema: JsonSchema = {
  title: 'CosmosSignRequest',
  type: 'object',
  additionalProperties: false,
  required: ['label', 'sign_doc_b64', 'expected_chain_id'],
  properties: {
    label: { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._-]+$', description: 'Label of the configured key.' },
    sign_doc_b64: {
      type: 'string',
      minLength: 4,
      maxLength: MAX_SIGN_DOC_B64_LENGTH,
      pattern: '^[A-Za-z0-9+/]*={0,2}$',
      contentEncoding: 'base64',
      description: 'Protobuf-encoded cosmos.tx.v1beta1.SignDoc (direct mode), standard base64 with padding.',
    },
    expected_chain_id: {
      type: 'string',
      minLength: 1,
      maxLength: 64,
      description: "Chain id the client expects; the sign doc's chain_id must equal it.",
    },
  },
};

export const cosmosSignResponseSchema: JsonSchema = {
  title: 'CosmosSignResponse',
  type: 'object',
  additionalProperties: false,
  required: ['signature_b64', 'signer_address'],
  properties: {
    signature_b64: { type: 'string', contentEncoding: 'base64', description: '64-byte r‖s secp256k1 signature (low S) over sha256(sign doc).' },
    signer_address: { type: 'string', description: 'Bech32 address of the signing key.' },
  },
};
