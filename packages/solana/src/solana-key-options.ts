import { ErrorCode, openKmsError } from '@openkms/core';
import type { ChainKey, JsonSchema } from '@openkms/core';

/** The Solana clusters a key can be pinned to (`[keys.<label>.options] cluster = "mainnet-beta"`). */
export const SOLANA_CLUSTERS = ['mainnet-beta', 'testnet', 'devnet', 'localnet'] as const;
export type SolanaCluster = (typeof SOLANA_CLUSTERS)[number];

/**
 * JSON Schema of a Solana key's options. `cluster` is required: a Solana message carries no cluster id, so the key
 * says which cluster it signs for, and a request naming another (`expected_chain_id`) is refused.
 */
export const solanaKeyOptionsSchema: JsonSchema = {
  title: 'SolanaKeyOptions',
  type: 'object',
  additionalProperties: false,
  required: ['cluster'],
  properties: {
    cluster: {
      enum: [...SOLANA_CLUSTERS],
      description: 'The cluster this key signs for; requests naming another in expected_chain_id get chain_id_mismatch.',
    },
  },
};

/** The cluster a key is pinned to (undefined for a key without options, e.g. the plugin used on its own). */
export function solanaKeyNetwork(options: Readonly<Record<string, unknown>>): string | undefined {
  const cluster = options['cluster'];
  return typeof cluster === 'string' ? cluster : undefined;
}

/**
 * The network of a request: the key's cluster. A request that names another cluster (`expected_chain_id`) is refused
 * with `chain_id_mismatch`; one that names none is signed for the key's cluster. Without a pinned cluster (plugin
 * used outside the signer) the request's `expected_chain_id` is reported as is.
 */
export function solanaRequestNetwork(expected: string | undefined, key: ChainKey): string | undefined {
  const pinned = solanaKeyNetwork(key.options);
  if (pinned === undefined) return expected;
  if (expected !== undefined && expected !== pinned) {
    throw openKmsError(ErrorCode.chainIdMismatch, `expected_chain_id "${expected}" is not the cluster key ${key.label} signs for`, {
      field: 'expected_chain_id',
      expected_chain_id: expected,
      key_network: pinned,
      label: key.label,
    });
  }
  return pinned;
}
