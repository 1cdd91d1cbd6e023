import { CHAIN_PLUGIN_API_VERSION, defineChainPlugin } from '@openkms/core';
import { createCosmosChainSigner } from './cosmos-chain-signer.js';

/** The `@openkms/cosmos` chain plugin: `create(options)` returns the Cosmos ChainSigner. */
export const cosmosPlugin = defineChainPlugin({
  apiVersion: CHAIN_PLUGIN_API_VERSION,
  chain: 'cosmos',
  create: (options) => createCosmosChainSigner(options),
});
