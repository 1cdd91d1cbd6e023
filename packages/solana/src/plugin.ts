import { CHAIN_PLUGIN_API_VERSION, defineChainPlugin, lazyChainSigner } from '@openkms/core';
import { parseSolanaPluginOptions } from './plugin-options.js';
import { solanaChainBasics } from './solana-chain-basics.js';
import type { SolanaDecoded } from './solana-chain-signer.js';
import type { SolanaSignRequest } from './sign-request-schema.js';

/**
 * The `@openkms/solana` chain plugin (the package's `./plugin` entry, which the signer imports): `create(options)`
 * checks the options and returns the Solana ChainSigner. The decoders (message, instructions, program clients) are
 * imported on the first decode or by `prepare()`, so the signer starts without them.
 */
export const solanaPlugin = defineChainPlugin({
  apiVersion: CHAIN_PLUGIN_API_VERSION,
  chain: 'solana',
  create: (options) => {
    parseSolanaPluginOptions(options); // invalid options stop startup, before anything is loaded
    return lazyChainSigner<SolanaSignRequest, SolanaDecoded>(solanaChainBasics, async () =>
      (await import('./solana-chain-signer.js')).createSolanaChainSigner(options),
    );
  },
});

export default solanaPlugin;
