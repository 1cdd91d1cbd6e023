import { ErrorCode, openKmsError, type RpcNetwork } from '@openkms/core';
import { parseQuantity } from './quantity.js';

/**
 * The EVM settings of a `[networks.<name>]` table (besides chain, upstream and upstream_timeout_ms):
 * `chain_id` (required), the chain id of the network; its keys are the EVM keys whose `chain_id` is the same.
 */
export const evmRpcNetworkOptionsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['chain_id'],
  properties: {
    chain_id: {
      anyOf: [
        { type: 'integer', minimum: 1 },
        { type: 'string', pattern: '^([1-9][0-9]{0,77}|0x[0-9a-fA-F]{1,64})$' },
      ],
      description: 'EVM chain id of the network (eth_chainId answers it; only keys with this chain_id are its accounts).',
    },
  },
} as const;

/** The network's chain id (`config_invalid` when missing: the signer validates it at load). */
export function networkChainId(network: RpcNetwork): bigint {
  const id = parseQuantity(network.options.chain_id, `networks.${network.name}.chain_id`, 256, true);
  if (id === undefined || id === 0n)
    throw openKmsError(ErrorCode.configInvalid, `network ${network.name} has no chain_id`, { path: `networks.${network.name}.chain_id` });
  return id;
}
