/**
 * Where account nonces handed out by a signer live, per key (`<network>:<address>`, see NonceManager). Every method
 * is atomic on its key: that is what serialises allocation, so concurrent sends from one account get consecutive
 * nonces. MemoryNonceStore is the one-process store; a store shared by several signer instances (Redis, each method
 * one script) keeps the same contract.
 *
 * A key is `fresh` after `initialize` and `stale` before it (never seen) or after `invalidate`.
 *
 * Leases: a nonce allocated with a lease is held until the lease ends or the nonce is confirmed (the node has its
 * transaction) or released. A lease that ends unconfirmed means its sender died or hung between allocating and
 * sending (an instance of a fleet killed mid-send): the nonce counts as released, so the next allocation on any
 * instance hands it out again and the account has no gap the node would wait on forever.
 */
export interface NonceStore {
  /**
   * The next nonce of a fresh key: the lowest released nonce if any, else `next` (which then grows by one).
   * `undefined` for a stale key: the caller reads the chain's next nonce and calls `initialize` first.
   * With a lease: first every lease ended by `lease.now` is released, then the nonce handed out is held until
   * `lease.until` (milliseconds since the epoch).
   */
  allocate(key: string, lease?: NonceLease): Promise<bigint | undefined>;
  /** Makes a stale key fresh with `next` (no released nonces); a fresh key is left as it is (first sync wins). */
  initialize(key: string, next: bigint): Promise<void>;
  /**
   * Gives back a nonce that never reached the chain; the next allocation hands it out again. The highest handed-out
   * nonce simply lowers `next`. Ignored for a stale key or a nonce at or above `next`. Ends its lease.
   */
  release(key: string, nonce: bigint): Promise<void>;
  /** The node has the nonce's transaction: ends its lease (nothing else changes). */
  confirm(key: string, nonce: bigint): Promise<void>;
  /** Marks the key stale: the next allocation re-reads the chain (after "nonce too low", or a send of unknown fate). */
  invalidate(key: string): Promise<void>;
  /** What the key holds (for views and tests); undefined when stale. Every list ascending. */
  peek(key: string): Promise<NonceState | undefined>;
}

/** A lease on an allocated nonce: both in milliseconds since the epoch, from the allocating instance's clock. */
export interface NonceLease {
  readonly now: number;
  readonly until: number;
}

export interface NonceState {
  readonly next: bigint;
  readonly released: readonly bigint[];
  /** Handed out under a lease that has neither been confirmed nor released (nor ended and been swept up). */
  readonly leased: readonly bigint[];
}

const ascending = (a: bigint, b: bigint): number => (a < b ? -1 : a > b ? 1 : 0);

/** The in-memory NonceStore (one signer process). Lost on restart by design: the first send re-reads the chain. */
export class MemoryNonceStore implements NonceStore {
  readonly #state = new Map<string, { next: bigint; released: bigint[]; leases: Map<bigint, number> }>();

  async allocate(key: string, lease?: NonceLease): Promise<bigint | undefined> {
    const s = this.#state.get(key);
    if (s === undefined) return undefined;
    // releasing in any order ends in the same state (the top shrinks past every released nonce either way)
    if (lease !== undefined) for (const [nonce, until] of [...s.leases]) if (until <= lease.now) this.#release(s, nonce);
    const nonce = s.released.length > 0 ? s.released.shift()! : s.next++;
    if (lease !== undefined) s.leases.set(nonce, lease.until);
    return nonce;
  }

  async initialize(key: string, next: bigint): Promise<void> {
    if (!this.#state.has(key)) this.#state.set(key, { next, released: [], leases: new Map() });
  }

  async release(key: string, nonce: bigint): Promise<void> {
    const s = this.#state.get(key);
    if (s !== undefined) this.#release(s, nonce);
  }

  async confirm(key: string, nonce: bigint): Promise<void> {
    this.#state.get(key)?.leases.delete(nonce);
  }

  async invalidate(key: string): Promise<void> {
    this.#state.delete(key);
  }

  async peek(key: string): Promise<NonceState | undefined> {
    const s = this.#state.get(key);
    return s === undefined ? undefined : { next: s.next, released: [...s.released], leased: [...s.leases.keys()].sort(ascending) };
  }

  #release(s: { next: bigint; released: bigint[]; leases: Map<bigint, number> }, nonce: bigint): void {
    s.leases.delete(nonce);
    if (nonce >= s.next || s.released.includes(nonce)) return;
    s.released.push(nonce);
    s.released.sort(ascending);
    // released nonces at the top of the range shrink it instead
    while (s.released.length > 0 && s.released[s.released.length - 1] === s.next - 1n) {
      s.released.pop();
      s.next--;
    }
  }
}
