import type { DecodeContext, DecodeContract } from '@openkms/core';
import type { SignerConfig } from '../config/signer-config.js';
import type { GatewayServices } from './gateway-services.js';

/**
 * The decode context of a chain (see DecodeContext): the REST gateway's registered contracts whose network is of
 * that chain, with the network's chain settings. Built per request from the registry and the current config, so an
 * admin registration or a reload applies at once to every route that signs for the contract.
 */
export function registeredContractsContext(gateway: () => GatewayServices, config: () => SignerConfig): (chain: string) => DecodeContext {
  return (chain) => {
    const networks = config().networks;
    const contracts: DecodeContract[] = [];
    for (const { contract } of gateway().list()) {
      const network = networks[contract.network];
      if (network?.chain === chain) contracts.push({ ...contract, networkOptions: network.options });
    }
    return { contracts };
  };
}
