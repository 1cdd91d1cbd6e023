import type { ChainSigner } from '@openkms/core';
import type { Logger } from 'pino';
import type { SignerConfig } from '../config/signer-config.js';

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
