import type { JsonSchema } from '@openkms/core';
import { PUBKEY_TYPES, SECP256K1_PUBKEY_TYPE_URL } from './pubkey-types.js';

/** Cosmos SDK chain ids (`cosmoshub-4`, `osmosis-1`, `evmos_9001-2`): at most 50 characters in the SDK. */
export const CHAIN_ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]{0,49}$';
/** Bech32 human-readable prefixes as the plugin accepts them (lower case, starting with a letter). */
export const BECH32_PREFIX_PATTERN = '^[a-z][a-z0-9]{0,31}$';

/**
 * JSON Schema of a Cosmos key's options. `chain_id` is required: the key signs only sign docs for that chain id
 * (others are refused with `chain_id_mismatch`). `bech32_prefix` overrides the plugin's default address prefix.
 * `pubkey_type` selects the public-key type (Ethermint-style types use keccak addresses and keccak256 digests); it must
 * be one of the plugin's `accepted_pubkey_type_urls`.
 */
export const cosmosKeyOptionsSchema: JsonSchema = {
  title: 'CosmosKeyOptions',
  type: 'object',
  additionalProperties: false,
  required: ['chain_id'],
  properties: {
    chain_id: { type: 'string', pattern: CHAIN_ID_PATTERN, description: 'The chain id this key signs for, e.g. "cosmoshub-4".' },
    bech32_prefix: { type: 'string', pattern: BECH32_PREFIX_PATTERN, description: 'Address prefix, e.g. "cosmos", "osmo".' },
    pubkey_type: {
      enum: Object.keys(PUBKEY_TYPES),
      description: `Public-key type of the key (default ${SECP256K1_PUBKEY_TYPE_URL}).`,
    },
  },
};

/** The chain id a key is pinned to (undefined for a key without options, e.g. the plugin used on its own). */
export function cosmosKeyNetwork(options: Readonly<Record<string, unknown>>): string | undefined {
  const chainId = options['chain_id'];
  return typeof chainId === 'string' ? chainId : undefined;
}
