import { CHAIN_PLUGIN_API_VERSION, defineChainPlugin, lazyChainSigner } from '@openkms/core';
import { evmChainBasics } from './evm-chain-basics.js';
import type { EvmDecoded } from './evm-chain-signer.js';
import { lazyEvmHooks } from './lazy-evm-hooks.js';
import type { EvmSignRequest } from './sign-request-schema.js';

/**
 * The `@openkms/evm` chain plugin (the package's `./plugin` entry, which the signer imports): `create(options)`
 * returns the EVM ChainSigner. The decoders (viem: transactions, ABI, EIP-712) are imported on the first decode or by
 * `prepare()`, so the signer starts without them; so are the JSON-RPC and REST gateway hooks' (lazy-evm-hooks.ts).
 */
export const evmPlugin = defineChainPlugin({
  apiVersion: CHAIN_PLUGIN_API_VERSION,
  chain: 'evm',
  create: (options) => {
    const hooks = lazyEvmHooks();
    const signer = lazyChainSigner<EvmSignRequest, EvmDecoded>({ ...evmChainBasics, rpc: hooks.rpc, gateway: hooks.gateway }, async () =>
      (await import('./evm-chain-signer.js')).createEvmChainSigner(options),
    );
    return {
      ...signer,
      async prepare() {
        await Promise.all([signer.prepare!(), hooks.load()]);
      },
    };
  },
});

export default evmPlugin;
