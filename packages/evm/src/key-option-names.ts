import { ErrorCode, openKmsError } from '@openkms/core';
import { parseQuantity } from './quantity.js';

/**
 * Names of the per-key options an EVM key reads from `[keys.<label>.options]`.
 *
 * - `chain_id` (required): the EVM chain id this key signs for, as an integer or a decimal / `0x` hex string.
 *   Every transaction, typed-data domain and EIP-7702 authorization must carry exactly this chain id.
 */
export const EVM_KEY_OPTION_NAMES = { chainId: 'chain_id' } as const;

/** The per-key options of an EVM key, as written in the config. */
export interface EvmKeyOptions {
  readonly chain_id: number | string | bigint;
}

/** A JSON Schema of the EVM key options (for a per-key options schema hook). */
export const evmKeyOptionsSchema = {
  type: 'object',
  additionalProperties: false,
  required: [EVM_KEY_OPTION_NAMES.chainId],
  properties: {
    [EVM_KEY_OPTION_NAMES.chainId]: {
      anyOf: [
        { type: 'integer', minimum: 1 },
        { type: 'string', pattern: '^([1-9][0-9]{0,77}|0x[0-9a-fA-F]{1,64})$' },
      ],
      description: 'EVM chain id this key signs for (required).',
    },
  },
} as const;

/**
 * The chain id configured for a key (`options.chain_id`), read defensively: a missing, zero or malformed value is
 * `config_invalid` (no signature is ever made for a key without a pinned chain).
 */
export function keyChainId(options: Readonly<Record<string, unknown>> | undefined, label: string): bigint {
  const raw = options?.[EVM_KEY_OPTION_NAMES.chainId];
  const id = raw === undefined ? undefined : parseQuantity(raw, `keys.${label}.options.chain_id`, 256, true);
  if (id === undefined || id === 0n) {
    throw openKmsError(ErrorCode.configInvalid, `EVM key ${label} needs options.chain_id (a positive integer): no chain id is configured`, {
      label,
      path: `keys.${label}.options.chain_id`,
    });
  }
  return id;
}
