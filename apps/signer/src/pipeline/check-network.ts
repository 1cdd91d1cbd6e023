import { ErrorCode, openKmsError, type ChainKey, type ChainSigner, type DecodedRequest } from '@openkms/core';

/**
 * Holds a decoded request to the network its key is pinned to (`plugin.network(key.options)`: a Solana cluster, a
 * Cosmos chain id). An intent for another network is refused with `chain_id_mismatch`; an intent that names none
 * gets the key's. The first-party plugins check this themselves; this is the signer's own check, so a plugin that
 * forgets it (or reports a network it was not asked for) still cannot sign for another network. A plugin without
 * the `network` hook pins nothing (see the README, "Plugins without policy hooks").
 */
export function pinNetwork(decoded: DecodedRequest, plugin: ChainSigner<any, any>, key: ChainKey): DecodedRequest {
  const pinned = typeof plugin.network === 'function' ? plugin.network(key.options) : undefined;
  if (pinned === undefined) return decoded;
  const network = decoded.intent.network;
  if (network === undefined) return { ...decoded, intent: { ...decoded.intent, network: pinned } };
  if (network !== pinned) {
    throw openKmsError(ErrorCode.chainIdMismatch, `the transaction is for network "${network}" but key ${key.label} signs for "${pinned}"`, {
      field: 'expected_chain_id',
      network,
      key_network: pinned,
      label: key.label,
    });
  }
  return decoded;
}
