import type { Redis } from 'ioredis';
import { openKmsError, type NonceStore } from '@openkms/core';
import { NONCE_ALLOCATE_SCRIPT, NONCE_INITIALIZE_SCRIPT, NONCE_INVALIDATE_SCRIPT, NONCE_PEEK_SCRIPT, NONCE_RELEASE_SCRIPT } from './nonce-lua-scripts.js';
import { stateUnavailable } from './state-unavailable.js';

interface Scripted {
  okmsNonceAllocate(next: string, released: string): Promise<string | null>;
  okmsNonceInitialize(next: string, released: string, value: string): Promise<number>;
  okmsNonceRelease(next: string, released: string, nonce: string): Promise<number>;
  okmsNonceInvalidate(next: string, released: string): Promise<number>;
  okmsNoncePeek(next: string, released: string): Promise<[string, string[]] | null>;
}

/** The largest nonce Redis' INCR can count to (int64); EIP-2681 bounds EVM nonces below 2^64 - 1. */
const MAX_NONCE = 2n ** 63n - 2n;

/**
 * The fleet's account nonces in Redis: the NonceStore contract of @openkms/core (the same behaviour as
 * MemoryNonceStore), each method one Lua script (nonce-lua-scripts.ts), so allocations from every instance are
 * serialised per account and consecutive. Keys live under the fleet's prefix and are kept until invalidated (one
 * small string and one small sorted set per account and network). Every Redis fault rejects with
 * `state_unavailable`: no nonce is handed out, so nothing is signed.
 */
export class RedisNonceStore implements NonceStore {
  readonly #redis: Redis & Scripted;
  readonly #prefix: string;

  constructor(redis: Redis, prefix: string) {
    if ((redis as Partial<Scripted>).okmsNonceAllocate === undefined) {
      redis.defineCommand('okmsNonceAllocate', { numberOfKeys: 2, lua: NONCE_ALLOCATE_SCRIPT });
      redis.defineCommand('okmsNonceInitialize', { numberOfKeys: 2, lua: NONCE_INITIALIZE_SCRIPT });
      redis.defineCommand('okmsNonceRelease', { numberOfKeys: 2, lua: NONCE_RELEASE_SCRIPT });
      redis.defineCommand('okmsNonceInvalidate', { numberOfKeys: 2, lua: NONCE_INVALIDATE_SCRIPT });
      redis.defineCommand('okmsNoncePeek', { numberOfKeys: 2, lua: NONCE_PEEK_SCRIPT });
    }
    this.#redis = redis as Redis & Scripted;
    this.#prefix = prefix;
  }

  async allocate(key: string): Promise<bigint | undefined> {
    const n = await this.#run('allocate a nonce', () => this.#redis.okmsNonceAllocate(...this.#keys(key)));
    return n === null ? undefined : BigInt(n);
  }

  async initialize(key: string, next: bigint): Promise<void> {
    await this.#run('initialize the nonce', () => this.#redis.okmsNonceInitialize(...this.#keys(key), checked(next)));
  }

  async release(key: string, nonce: bigint): Promise<void> {
    if (nonce < 0n || nonce > MAX_NONCE) return;
    await this.#run('release a nonce', () => this.#redis.okmsNonceRelease(...this.#keys(key), nonce.toString()));
  }

  async invalidate(key: string): Promise<void> {
    await this.#run('invalidate the nonce', () => this.#redis.okmsNonceInvalidate(...this.#keys(key)));
  }

  async peek(key: string): Promise<{ readonly next: bigint; readonly released: readonly bigint[] } | undefined> {
    const r = await this.#run('read the nonce', () => this.#redis.okmsNoncePeek(...this.#keys(key)));
    return r === null ? undefined : { next: BigInt(r[0]), released: r[1].map((n) => BigInt(n)) };
  }

  #keys(key: string): [string, string] {
    const base = `${this.#prefix}nonce:{${key}}:`;
    return [`${base}next`, `${base}released`];
  }

  async #run<T>(what: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      throw stateUnavailable(err, what);
    }
  }
}

function checked(next: bigint): string {
  if (next < 0n || next > MAX_NONCE)
    throw openKmsError('state_unavailable', 'the chain reported a nonce the shared nonce store cannot count', { nonce: next.toString() });
  return next.toString();
}
