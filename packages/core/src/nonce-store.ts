/**
 * Where account nonces handed out by a signer live, per key (`<network>:<address>`, see NonceManager). Every method
 * is atomic on its key: that is what serialises allocation, so concurrent sends from one account get consecutive
 * nonces. The in-memory store is the only implementation today; a store shared by several signer instances (e.g.
 * Redis, each method one script) must keep the same contract.
 *
 * A key is `fresh` after `initialize` and `stale` before it (never seen) or after `invalidate`.
 */
export interface NonceStore {
  /**
   * The next nonce of a fresh key: the lowest released nonce if any, else `next` (which then grows by one).
   * `undefined` for a stale key: the caller reads the chain's next nonce and calls `initialize` first.
   */
  allocate(key: string): Promise<bigint | undefined>;
  /** Makes a stale key fresh with `next` (no released nonces); a fresh key is left as it is (first sync wins). */
  initialize(key: string, next: bigint): Promise<void>;
  /**
   * Gives back a nonce that never reached the chain; the next allocation hands it out again. The highest handed-out
   * nonce simply lowers `next`. Ignored for a stale key or a nonce at or above `next`.
   */
  release(key: string, nonce: bigint): Promise<void>;
  /** Marks the key stale: the next allocation re-reads the chain (after "nonce too low", or a send of unknown fate). */
  invalidate(key: string): Promise<void>;
  /** What the key holds (for views and tests); undefined when stale. */
  peek(key: string): Promise<{ readonly next: bigint; readonly released: readonly bigint[] } | undefined>;
}

/** The in-memory NonceStore (one signer process). Lost on restart by design: the first send re-reads the chain. */
export class MemoryNonceStore implements NonceStore {
  readonly #state = new Map<string, { next: bigint; released: bigint[] }>();

  async allocate(key: string): Promise<bigint | undefined> {
    const s = this.#state.get(key);
    if (s === undefined) return undefined;
    if (s.released.length > 0) return s.released.shift();
    return s.next++;
  }

  async initialize(key: string, next: bigint): Promise<void> {
    if (!this.#state.has(key)) this.#state.set(key, { next, released: [] });
  }

  async release(key: string, nonce: bigint): Promise<void> {
    const s = this.#state.get(key);
    if (s === undefined || nonce >= s.next || s.released.includes(nonce)) return;
    s.released.push(nonce);
    s.released.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    // released nonces at the top of the range shrink it instead
    while (s.released.length > 0 && s.released[s.released.length - 1] === s.next - 1n) {
      s.released.pop();
      s.next--;
    }
  }

  async invalidate(key: string): Promise<void> {
    this.#state.delete(key);
  }

  async peek(key: string): Promise<{ next: bigint; released: readonly bigint[] } | undefined> {
    const s = this.#state.get(key);
    return s === undefined ? undefined : { next: s.next, released: [...s.released] };
  }
}
