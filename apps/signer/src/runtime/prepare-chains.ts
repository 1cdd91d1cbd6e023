import { existsSync } from 'node:fs';
import type { ChainSigner } from '@openkms/core';
import type { Logger } from 'pino';
import type { SignerConfig } from '../config/signer-config.js';
import { gatewayContractsFile } from './gateway-services.js';

/**
 * Loads what the chain plugins import lazily (ChainSigner.prepare: their decoders) for the chains that have keys, one
 * after the other, once the server listens: `/health` answers before the heavy decoders are loaded, and the first sign
 * request does not pay for them. A decoder that cannot be loaded is logged; its chain's requests fail closed
 * (internal_error) until it loads.
 */
export async function prepareChains(chains: ReadonlyMap<string, ChainSigner<any, any>>, config: SignerConfig, logger: Logger): Promise<void> {
  const used = new Set(Object.values(config.keys).map((k) => k.chain));
  for (const [chain, plugin] of chains) {
    if (!used.has(chain) || typeof plugin.prepare !== 'function') continue;
    const started = performance.now();
    try {
      await plugin.prepare();
      logger.debug({ chain, ms: Math.round(performance.now() - started) }, 'chain decoder loaded');
    } catch (err) {
      logger.error(
        { chain, message: (err as Error)?.message ?? String(err) },
        'chain decoder could not be loaded; sign requests for this chain fail until it is',
      );
    }
  }
}

/**
 * Before gateway contracts are checked (start-up and reload): loads the code of every chain whose REST gateway has
 * contracts, from config or registered by an admin (their ABI checks need the plugin's lazily imported code). A signer
 * without gateway contracts loads nothing here, so its start-up stays light. Rejects (fails closed) when that code
 * cannot be loaded.
 */
export async function prepareGatewayChains(
  chains: ReadonlyMap<string, ChainSigner<any, any>>,
  config: Pick<SignerConfig, 'raw' | 'networks' | 'state'>,
): Promise<void> {
  const configured = Object.keys(((config.raw.gateway as { contracts?: object } | undefined)?.contracts ?? {}) as object).length > 0;
  if (!configured && !existsSync(gatewayContractsFile(config))) return;
  const used = new Set(Object.values(config.networks).map((n) => n.chain));
  for (const chain of used) {
    const plugin = chains.get(chain);
    if (plugin?.gateway !== undefined && typeof plugin.prepare === 'function') await plugin.prepare();
  }
}
