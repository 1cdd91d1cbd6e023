import type { Redis } from 'ioredis';
import { openKmsError, type NonceLease, type NonceState, type NonceStore } from '@openkms/core';
import {
  NONCE_ALLOCATE_SCRIPT,
  NONCE_CONFIRM_SCRIPT,
  NONCE_INITIALIZE_SCRIPT,
  NONCE_INVALIDATE_SCRIPT,
  NONCE_PEEK_SCRIPT,
  NONCE_RELEASE_SCRIPT,
} from './nonce-lua-scripts.js';
import { stateUnavailable } from './state-unavailable.js';

type Keys = [next: string, released: string, leased: string];

interface Scripted {
  okmsNonceAllocate(...args: [...Keys, now: string, until: string]): Promise<string | null>;
  okmsNonceInitialize(...args: [...Keys, value: string]): Promise<number>;
  okmsNonceRelease(...args: [...Keys, nonce: string]): Promise<number>;
  okmsNonceConfirm(...args: [...Keys, nonce: string]): Promise<number>;
  okmsNonceInvalidate(...args: Keys): Promise<number>;
  okmsNoncePeek(...args: Keys): Promise<[string, string[], string[]] | null>;
}

/** The largest nonce Redis' INCR can count to (int64); EIP-2681 bounds EVM nonces below 2^64 - 1. */
const MAX_NONCE = 2n ** 63n - 2n;

/**
 * The fleet's account nonces in Redis: the NonceStore contract of @openkms/core (the same behaviour as
 * MemoryNonceStore), each method one Lua script (nonce-lua-scripts.ts), so allocations from every instance are
 * serialised per account and consecutive. Keys live under the fleet's prefix and are kept until invalidated (one
 * small string and two small sorted sets per account and network). Every Redis fault rejects with
 * `state_unavailable`: no nonce is handed out, so nothing is signed.
 */
export class RedisNonceStore implements NonceStore {
  readonly #redis: Redis & Scripted;
  readonly #prefix: string;

  constructor(redis: Redis, prefix: string) {
    if ((redis as Partial<Scripted>).okmsNonceAllocate === undefined) {
      redis.defineCommand('okmsNonceAllocate', { numberOfKeys: 3, lua: NONCE_ALLOCATE_SCRIPT });
      redis.defineCommand('okmsNonceInitialize', { numberOfKeys: 3, lua: NONCE_INITIALIZE_SCRIPT });
      redis.defineCommand('okmsNonceRelease', { numberOfKeys: 3, lua: NONCE_RELEASE_SCRIPT });
      redis.defineCommand('okmsNonceConfirm', { numberOfKeys: 3, lua: NONCE_CONFIRM_SCRIPT });
      redis.defineCommand('okmsNonceInvalidate', { numberOfKeys: 3, lua: NONCE_INVALIDATE_SCRIPT });
      redis.defineCommand('okmsNoncePeek', { numberOfKeys: 3, lua: NONCE_PEEK_SCRIPT });
    }
    this.#redis = redis as Redis & Scripted;
    this.#prefix = prefix;
  }

  async allocate(key: string, lease?: NonceLease): Promise<bigint | undefined> {
    const [now, until] = lease === undefined ? ['', ''] : [String(Math.floor(lease.now)), String(Math.floor(lease.until))];
    const n = await this.#run('allocate a nonce', () => this.#redis.okmsNonceAllocate(...this.#keys(key), now, until));
    return n === null ? undefined : BigInt(n);
  }

  async initialize(key: string, next: bigint): Promise<void> {
    await this.#run('initialize the nonce', () => this.#redis.okmsNonceInitialize(...this.#keys(key), checked(next)));
  }

  async release(key: string, nonce: bigint): Promise<void> {
    if (nonce < 0n || nonce > MAX_NONCE) return;
    await this.#run('release a nonce', () => this.#redis.okmsNonceRelease(...this.#keys(key), nonce.toString()));
  }

  async confirm(key: string, nonce: bigint): Promise<void> {
    if (nonce < 0n || nonce > MAX_NONCE) return;
    await this.#run('confirm a nonce', () => this.#redis.okmsNonceConfirm(...this.#keys(key), nonce.toString()));
  }

  async invalidate(key: string): Promise<void> {
    await this.#run('invalidate the nonce', () => this.#redis.okmsNonceInvalidate(...this.#keys(key)));
  }

  async peek(key: string): Promise<NonceState | undefined> {
    const r = await this.#run('read the nonce', () => this.#redis.okmsNoncePeek(...this.#keys(key)));
    return r === null ? undefined : { next: BigInt(r[0]), released: r[1].map((n) => BigInt(n)), leased: r[2].map((n) => BigInt(n)) };
  }

  #keys(key: string): Keys {
    const base = `${this.#prefix}nonce:{${key}}:`;
    return [`${base}next`, `${base}released`, `${base}leased`];
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
