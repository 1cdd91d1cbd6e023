import { CHAIN_PLUGIN_API_VERSION, defineChainPlugin } from '@openkms/core';
import { createSolanaChainSigner } from './solana-chain-signer.js';

/** The `@openkms/solana` chain plugin: `create(options)` returns the Solana ChainSigner. */
export const solanaPlugin = defineChainPlugin({
  apiVersion: CHAIN_PLUGIN_API_VERSION,
  chain: 'solana',
  create: (options) => createSolanaChainSigner(options),
});
