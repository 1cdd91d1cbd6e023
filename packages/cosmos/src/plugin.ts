import { CHAIN_PLUGIN_API_VERSION, defineChainPlugin, lazyChainSigner } from '@openkms/core';
import { cosmosChainBasics } from './cosmos-chain-basics.js';
import type { CosmosDecoded } from './cosmos-chain-signer.js';
import type { CosmosSignRequest } from './sign-request-schema.js';

/**
 * The `@openkms/cosmos` chain plugin (the package's `./plugin` entry, which the signer imports): `create(options)`
 * checks the options and returns the Cosmos ChainSigner. The decoders (protobuf registry, amino converters,
 * cosmjs-types) are imported on the first decode or by `prepare()`, so the signer starts without them.
 */
export const cosmosPlugin = defineChainPlugin({
  apiVersion: CHAIN_PLUGIN_API_VERSION,
  chain: 'cosmos',
  create: (options) =>
    lazyChainSigner<CosmosSignRequest, CosmosDecoded>(cosmosChainBasics(options), async () =>
      (await import('./cosmos-chain-signer.js')).createCosmosChainSigner(options),
    ),
});

export default cosmosPlugin;
