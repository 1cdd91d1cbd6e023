import { CHAIN_PLUGIN_API_VERSION, type ChainSignerBasics } from '@openkms/core';
import { evmKeyNetwork, checkEvmPolicyId } from './evm-policy-ids.js';
import { evmAddress } from './evm-key-address.js';
import { evmKeyOptionsSchema } from './key-option-names.js';
import { evmSignRequestSchema, evmSignResponseSchema } from './sign-request-schema.js';
import { evmAssetUnit } from './evm-asset-units.js';

/**
 * What the EVM signer offers without its decoders (schemas, key options, policy ids, addresses): all the signer
 * needs to start. Imports nothing heavy (no viem), so the plugin entry (plugin.ts) stays light; decoding loads on
 * first use.
 */
export const evmChainBasics: ChainSignerBasics = {
  chain: 'evm',
  apiVersion: CHAIN_PLUGIN_API_VERSION,
  curve: 'secp256k1',
  requestSchema: evmSignRequestSchema,
  responseSchema: evmSignResponseSchema,
  summary: 'Sign an EVM transaction, EIP-712 typed data, an EIP-191 personal message or an EIP-7702 authorization with a secp256k1 key',
  keyOptionsSchema: evmKeyOptionsSchema,
  network: evmKeyNetwork,
  checkPolicyId: checkEvmPolicyId,
  describeAsset: evmAssetUnit,

  address(publicKey: Uint8Array): string {
    return evmAddress(publicKey);
  },
};
