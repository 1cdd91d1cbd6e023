import { CHAIN_PLUGIN_API_VERSION, ErrorCode, openKmsError, type ChainSignerBasics } from '@openkms/core';
import { solanaSignRequestSchema, solanaSignResponseSchema } from './sign-request-schema.js';
import { solanaAddress } from './solana-address.js';
import { solanaKeyNetwork, solanaKeyOptionsSchema } from './solana-key-options.js';
import { checkSolanaPolicyId, solanaPolicyAliases } from './solana-policy-ids.js';
import { solanaAssetUnit } from './solana-asset-units.js';

/**
 * What the Solana signer offers without its decoders (schemas, key options, policy ids, addresses): all the signer
 * needs to start. Imports nothing heavy, so the plugin entry (plugin.ts) stays light; decoding loads on first use.
 */
export const solanaChainBasics: ChainSignerBasics = {
  chain: 'solana',
  apiVersion: CHAIN_PLUGIN_API_VERSION,
  curve: 'ed25519',
  requestSchema: solanaSignRequestSchema,
  responseSchema: solanaSignResponseSchema,
  summary: 'Sign a Solana message or transaction (legacy or v0) with an ed25519 key',
  keyOptionsSchema: solanaKeyOptionsSchema,
  network: solanaKeyNetwork,
  checkPolicyId: checkSolanaPolicyId,
  policyAliases: solanaPolicyAliases,
  describeAsset: solanaAssetUnit,

  address(publicKey: Uint8Array): string {
    if (publicKey.length !== 32) {
      throw openKmsError(ErrorCode.wrongChain, 'a Solana key is a 32-byte ed25519 public key', { length: publicKey.length });
    }
    return solanaAddress(publicKey);
  },
};
