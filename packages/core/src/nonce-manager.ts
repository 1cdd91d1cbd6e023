import type { NonceLease, NonceStore } from './nonce-store.js';

/**
 * Account nonces for a signer that sends transactions itself (the JSON-RPC endpoint's eth_sendTransaction; the REST
 * gateway reuses it). Chain-agnostic: the caller says how to read the chain's next nonce. State lives in a NonceStore,
 * per `<network>:<address>`; every store operation is atomic per key, so concurrent allocations are serialised and
 * consecutive.
 *
 * Life of a nonce:
 * - `allocate` at first use (or after `resync`) reads the chain's next nonce (pending) through `readChain`, then
 *   hands out the next one; concurrent first uses read the chain each, the first answer wins.
 * - a send that fails before reaching the node (policy denial, signing error, the node unreachable before the
 *   request was written) calls `release`: the nonce is handed out again by the next allocation, so no gap stays.
 * - a node that rejects the transaction (insufficient funds, underpriced, …) means the nonce is unused: `release`.
 * - "nonce too low" (the chain moved on without us) or a send of unknown fate (timeout after the request was
 *   written): `resync`; the next allocation re-reads the chain's pending nonce.
 * - the node took the transaction: `confirm`.
 * - none of these within the lease (`leaseMs`, default 2 minutes): the sender died or hung mid-send (a fleet instance
 *   killed between allocating and sending). The nonce is released by the next allocation after the lease, on any
 *   instance, so the account is not left with a gap that holds its later transactions in the node's queue. Should the
 *   slow sender still send it later, the node refuses one of the two (nonce too low, or the nonce taken by a pending
 *   transaction), which resynchronises.
 */
export class NonceManager {
  readonly #leaseMs: () => number;
  readonly #now: () => number;

  /** `leaseMs`: a number, or a function read at each allocation (the signer's follows its config's timeouts). */
  constructor(
    readonly store: NonceStore,
    opts: { readonly leaseMs?: number | (() => number); readonly now?: () => number } = {},
  ) {
    const lease = opts.leaseMs ?? DEFAULT_NONCE_LEASE_MS;
    this.#leaseMs = typeof lease === 'number' ? () => lease : lease;
    this.#now = opts.now ?? Date.now;
  }

  /** The store key of an account on a network. Addresses are compared case-insensitively. */
  static key(network: string, address: string): string {
    return `${network}:${address.toLowerCase()}`;
  }

  /** The next nonce for `key`; reads the chain's next (pending) nonce first when the key is stale. */
  async allocate(key: string, readChain: () => Promise<bigint>): Promise<bigint> {
    const first = await this.store.allocate(key, this.#lease());
    if (first !== undefined) return first;
    await this.store.initialize(key, await readChain());
    const next = await this.store.allocate(key, this.#lease());
    if (next === undefined) throw new Error(`nonce store lost ${key} right after initializing it`);
    return next;
  }

  /** Gives back a nonce that did not reach the chain. */
  release(key: string, nonce: bigint): Promise<void> {
    return this.store.release(key, nonce);
  }

  /** The node has the transaction with this nonce: its lease ends. */
  confirm(key: string, nonce: bigint): Promise<void> {
    return this.store.confirm(key, nonce);
  }

  /** Forgets what the store knows: the next allocation re-reads the chain. */
  resync(key: string): Promise<void> {
    return this.store.invalidate(key);
  }

  #lease(): NonceLease {
    const now = this.#now();
    return { now, until: now + this.#leaseMs() };
  }
}

/**
 * How long an allocated nonce waits for its send at least: well beyond a request's signing deadline plus the upstream
 * node's answers with the default timeouts, so only a sender that died or hung loses it.
 */
export const DEFAULT_NONCE_LEASE_MS = 120_000;
