import { CHAIN_PLUGIN_API_VERSION, ErrorCode, openKmsError, type ChainSignerBasics } from '@openkms/core';
import { DEFAULT_BECH32_PREFIX, accountAddress, bech32PrefixOf, isCompressedSecp256k1 } from './cosmos-address.js';
import { cosmosKeyNetwork, cosmosKeyOptionsSchema } from './cosmos-key-options.js';
import { checkCosmosPolicyId, cosmosPolicyAliases } from './cosmos-policy-ids.js';
import { acceptedPubkeyTypeUrlsOf, pubkeyTypeOf } from './pubkey-types.js';
import { cosmosSignRequestSchema, cosmosSignResponseSchema } from './sign-request-schema.js';
import { cosmosAssetUnit } from './cosmos-asset-units.js';

/**
 * What the Cosmos signer offers without its decoders (schemas, key options, policy ids, addresses) for these plugin
 * options: all the signer needs to start. Imports nothing heavy (no protobuf registry or amino converters), so the
 * plugin entry (plugin.ts) stays light; decoding loads on first use. Invalid plugin options throw config_invalid.
 */
export function cosmosChainBasics(options: Readonly<Record<string, unknown>> = {}): ChainSignerBasics {
  const defaultPrefix = bech32PrefixOf(options, DEFAULT_BECH32_PREFIX);
  const accepted = acceptedPubkeyTypeUrlsOf(options);
  return {
    chain: 'cosmos',
    apiVersion: CHAIN_PLUGIN_API_VERSION,
    curve: 'secp256k1',
    requestSchema: cosmosSignRequestSchema,
    responseSchema: cosmosSignResponseSchema,
    summary: 'Sign a Cosmos SDK SignDoc (direct) or StdSignDoc (amino JSON) with a secp256k1 key',
    keyOptionsSchema: cosmosKeyOptionsSchema,
    network: cosmosKeyNetwork,
    checkPolicyId: (kind, value, keyOptions, context) => checkCosmosPolicyId(kind, value, keyOptions, defaultPrefix, context),
    policyAliases: cosmosPolicyAliases,
    describeAsset: cosmosAssetUnit,

    address(publicKey: Uint8Array, keyOptions: Readonly<Record<string, unknown>>): string {
      if (!isCompressedSecp256k1(publicKey)) {
        throw openKmsError(ErrorCode.wrongChain, 'a Cosmos key is a 33-byte compressed secp256k1 public key', { length: publicKey.length });
      }
      return accountAddress(publicKey, bech32PrefixOf(keyOptions, defaultPrefix), pubkeyTypeOf(keyOptions, accepted));
    },
  };
}
