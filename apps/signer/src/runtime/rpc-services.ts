import { MemoryNonceStore, NonceManager, type NonceStore } from '@openkms/core';
import type { NetworkConfig } from '../config/signer-config.js';
import { JsonRpcUpstream } from '../rpc/json-rpc-upstream.js';

/** What the JSON-RPC endpoint shares across requests: the nonce manager and one upstream client per network. */
export interface RpcServices {
  readonly nonces: NonceManager;
  upstream(network: NetworkConfig): JsonRpcUpstream;
}

/**
 * Builds the JSON-RPC services. Nonces live in `nonceStore` (default: in memory, re-read from each node at first
 * use after a start); a shared store (fleet mode) can be passed instead. Upstream clients follow config reloads.
 */
export function createRpcServices(opts: { nonceStore?: NonceStore } = {}): RpcServices {
  const nonces = new NonceManager(opts.nonceStore ?? new MemoryNonceStore());
  const clients = new Map<string, JsonRpcUpstream>();
  return {
    nonces,
    upstream(network) {
      const id = `${network.name}\u0000${network.upstream}\u0000${network.upstreamTimeoutMs}`;
      let c = clients.get(id);
      if (c === undefined) {
        c = new JsonRpcUpstream({ url: network.upstream, timeoutMs: network.upstreamTimeoutMs, network: network.name });
        clients.set(id, c);
      }
      return c;
    },
  };
}
