import { CHAIN_PLUGIN_API_VERSION, defineChainPlugin, lazyChainSigner } from '@openkms/core';
import { evmChainBasics } from './evm-chain-basics.js';
import type { EvmDecoded } from './evm-chain-signer.js';
import type { EvmSignRequest } from './sign-request-schema.js';

/**
 * The `@openkms/evm` chain plugin (the package's `./plugin` entry, which the signer imports): `create(options)`
 * returns the EVM ChainSigner. The decoders (viem: transactions, ABI, EIP-712) are imported on the first decode or by
 * `prepare()`, so the signer starts without them.
 */
export const evmPlugin = defineChainPlugin({
  apiVersion: CHAIN_PLUGIN_API_VERSION,
  chain: 'evm',
  create: (options) =>
    lazyChainSigner<EvmSignRequest, EvmDecoded>(evmChainBasics, async () => (await import('./evm-chain-signer.js')).createEvmChainSigner(options)),
});

export default evmPlugin;
