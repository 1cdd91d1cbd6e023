import { DEFAULT_NONCE_LEASE_MS, MemoryNonceStore, NonceManager, type NonceStore } from '@openkms/core';
import type { NetworkConfig, SignerConfig } from '../config/signer-config.js';
import { JsonRpcUpstream } from '../rpc/json-rpc-upstream.js';

/** What the JSON-RPC endpoint shares across requests: the nonce manager and one upstream client per network. */
export interface RpcServices {
  readonly nonces: NonceManager;
  upstream(network: NetworkConfig): JsonRpcUpstream;
}

/**
 * Builds the JSON-RPC services. Nonces live in `nonceStore` (default: in memory, re-read from each node at first
 * use after a start); a shared store (fleet mode) can be passed instead. Upstream clients follow config reloads, and
 * so does the nonce lease (nonceLeaseMs).
 */
export function createRpcServices(opts: { nonceStore?: NonceStore; config?: () => SignerConfig } = {}): RpcServices {
  const config = opts.config;
  const nonces = new NonceManager(opts.nonceStore ?? new MemoryNonceStore(), config ? { leaseMs: () => nonceLeaseMs(config()) } : {});
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

/**
 * How long a nonce handed out by eth_sendTransaction waits for its send before another may take it (see NonceManager):
 * after the nonce is allocated, the send may still fill other fields, sign (up to the request timeout) and send (up to
 * the upstream timeout), so the lease covers the request timeout, five upstream calls at the slowest network's
 * timeout and a minute to spare; never less than DEFAULT_NONCE_LEASE_MS.
 */
export function nonceLeaseMs(config: Pick<SignerConfig, 'networks' | 'server'>): number {
  const upstream = Math.max(0, ...Object.values(config.networks).map((n) => n.upstreamTimeoutMs));
  return Math.max(DEFAULT_NONCE_LEASE_MS, config.server.requestTimeoutMs + 5 * upstream + 60_000);
}
