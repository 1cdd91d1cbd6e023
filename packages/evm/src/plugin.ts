import { CHAIN_PLUGIN_API_VERSION, defineChainPlugin } from '@openkms/core';
import { createEvmChainSigner } from './evm-chain-signer.js';

/** The `@openkms/evm` chain plugin: `create(options)` returns the EVM ChainSigner. */
export const evmPlugin = defineChainPlugin({
  apiVersion: CHAIN_PLUGIN_API_VERSION,
  chain: 'evm',
  create: (options) => createEvmChainSigner(options),
});
