import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { ErrorCode, openKmsError, type ReplayClaim, type ReplayEntry, type ReplayJoin, type ReplayStore } from '@openkms/core';
import { REPLAY_ABANDON_SCRIPT, REPLAY_COMPLETE_SCRIPT, REPLAY_JOIN_SCRIPT } from './replay-lua-scripts.js';
import { stateUnavailable } from './state-unavailable.js';

export interface RedisReplayStoreOptions {
  readonly prefix: string;
  /** This instance's id (goes into claim values, for operators reading Redis). */
  readonly instanceId: string;
  /** How long a result is replayed (`[replay] ttl_secs`); 0 turns replays off (in-flight joins stay). */
  readonly ttlMs: number;
  /**
   * How long a claim outlives its request's deadline (the audit write after the HSM answered may run a little past
   * it); a claim whose holder died lapses then and a waiter takes over. Default 2000 ms.
   */
  readonly claimGraceMs?: number;
  /** How often a waiter re-checks besides the announcements (a missed message, a lapsed claim). Default 200 ms. */
  readonly pollMs?: number;
  readonly now?: () => number;
  /**
   * Called with the runtime state's revision read along with a replay's result (re-read when it moved), so a replay
   * is never checked against a kill switch older than Redis' copy.
   */
  readonly onRuntimeRevision?: (revision: string) => Promise<void> | void;
}

interface Scripted {
  okmsReplayJoin(key: string, runtimeRev: string, claim: string, leaseMs: string): Promise<[1] | [2, string, string] | [0, number]>;
  okmsReplayComplete(key: string, claim: string, json: string, ttlMs: string, channel: string): Promise<number>;
  okmsReplayAbandon(key: string, claim: string, channel: string): Promise<number>;
}

/**
 * The fleet's replay cache and in-flight joins in Redis (see replay-lua-scripts.ts): the same bytes sent to several
 * instances at once get one claim, so one HSM signature and one budget; the others wait for the claimant's result
 * (announced on `<prefix>replay:settled`, polled as a fallback) and replay it, on any instance, within the replay TTL.
 * A claim's lease is its request's deadline plus a grace: a claimant that died lets it lapse and a waiter takes over.
 *
 * Stored per entry: the response body (the signature, the signed transaction and its hash: no secret) and the
 * signature's digest; its size follows the request's (bounded by `server.max_body_bytes`). Every Redis fault
 * rejects `join` with `state_unavailable`: nothing is signed without the claim.
 */
export class RedisReplayStore implements ReplayStore {
  readonly #redis: Redis & Scripted;
  readonly #subscriber: Redis;
  readonly #o: RedisReplayStoreOptions;
  readonly #now: () => number;
  /** Waiters on this instance, by Redis key: woken by an announcement. */
  readonly #waiters = new Map<string, Set<() => void>>();

  constructor(redis: Redis, subscriber: Redis, options: RedisReplayStoreOptions) {
    if ((redis as Partial<Scripted>).okmsReplayJoin === undefined) {
      redis.defineCommand('okmsReplayJoin', { numberOfKeys: 2, lua: REPLAY_JOIN_SCRIPT });
      redis.defineCommand('okmsReplayComplete', { numberOfKeys: 1, lua: REPLAY_COMPLETE_SCRIPT });
      redis.defineCommand('okmsReplayAbandon', { numberOfKeys: 1, lua: REPLAY_ABANDON_SCRIPT });
    }
    this.#redis = redis as Redis & Scripted;
    this.#subscriber = subscriber;
    this.#o = options;
    this.#now = options.now ?? Date.now;
  }

  get channel(): string {
    return `${this.#o.prefix}replay:settled`;
  }

  /** Subscribes to the announcements (rejects with `state_unavailable` when Redis cannot be reached). */
  async start(): Promise<void> {
    this.#subscriber.on('message', (channel: string, key: string) => {
      if (channel !== this.channel) return;
      const waiting = this.#waiters.get(key);
      if (waiting) for (const wake of waiting) wake();
    });
    // after a reconnect: subscribe again (see createRedisSubscriber); waiters poll meanwhile
    this.#subscriber.on('ready', () => void this.#subscriber.subscribe(this.channel).catch(() => undefined));
    try {
      await this.#subscriber.subscribe(this.channel);
    } catch (err) {
      throw stateUnavailable(err, 'subscribe to the replay announcements');
    }
  }

  async get(label: string, digestHex: string): Promise<ReplayEntry | undefined> {
    let v: string | null;
    try {
      v = await this.#redis.get(this.#key(label, digestHex));
    } catch (err) {
      throw stateUnavailable(err, 'read the replay cache');
    }
    return v !== null && v.startsWith('d:') ? parse(v.slice(2)) : undefined;
  }

  async join(label: string, digestHex: string, deadline: number): Promise<ReplayJoin> {
    const key = this.#key(label, digestHex);
    const claimValue = `c:${this.#o.instanceId}.${randomUUID()}`;
    for (;;) {
      // registered before the check, so an announcement between the check and the wait is not missed
      let wake!: () => void;
      const woken = new Promise<void>((resolve) => (wake = resolve));
      this.#watch(key, wake);
      try {
        const remaining = deadline - this.#now();
        if (remaining <= 0) throw openKmsError(ErrorCode.deadlineExceeded, 'request deadline exceeded while waiting for an identical request being signed', {});
        let reply: Awaited<ReturnType<Scripted['okmsReplayJoin']>>;
        try {
          reply = await this.#redis.okmsReplayJoin(key, `${this.#o.prefix}runtime:rev`, claimValue, String(remaining + (this.#o.claimGraceMs ?? 2000)));
        } catch (err) {
          throw stateUnavailable(err, 'claim the signed bytes');
        }
        if (reply[0] === 1) return { claim: this.#claim(key, claimValue) };
        if (reply[0] === 2) {
          const cached = parse(reply[1]);
          if (cached) {
            try {
              await this.#o.onRuntimeRevision?.(reply[2]);
            } catch (err) {
              throw stateUnavailable(err, 'read the runtime state');
            }
            return { cached };
          }
          throw stateUnavailable(new Error('unreadable replay entry'), 'read the replay cache');
        }
        // someone else holds the claim: wait for its announcement, a poll, or its lease to lapse
        const wait = Math.max(1, Math.min(this.#o.pollMs ?? 200, reply[1] > 0 ? reply[1] : 1, deadline - this.#now()));
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([woken, new Promise<void>((resolve) => (timer = setTimeout(resolve, wait)))]);
        clearTimeout(timer);
      } finally {
        this.#unwatch(key, wake);
      }
    }
  }

  async remember(label: string, digestHex: string, entry: ReplayEntry): Promise<void> {
    await this.#complete(this.#key(label, digestHex), '', entry);
  }

  #claim(key: string, claimValue: string): ReplayClaim {
    let settled = false;
    return {
      complete: async (entry) => {
        if (settled) return;
        settled = true;
        await this.#complete(key, claimValue, entry);
      },
      abandon: async () => {
        if (settled) return;
        settled = true;
        try {
          await this.#redis.okmsReplayAbandon(key, claimValue, this.channel);
        } catch {
          // the claim lapses with its lease
        }
      },
    };
  }

  async #complete(key: string, claimValue: string, entry: ReplayEntry): Promise<void> {
    try {
      const json = JSON.stringify({ body: entry.body, signature_sha256: entry.signatureSha256 });
      await this.#redis.okmsReplayComplete(key, claimValue, json, String(this.#o.ttlMs), this.channel);
    } catch {
      // the signature is audited and answered; the claim lapses and a waiter signs again (Redis was unreachable)
    }
  }

  #key(label: string, digestHex: string): string {
    return `${this.#o.prefix}replay:${label}:${digestHex}`;
  }

  #watch(key: string, wake: () => void): void {
    let set = this.#waiters.get(key);
    if (set === undefined) this.#waiters.set(key, (set = new Set()));
    set.add(wake);
  }

  #unwatch(key: string, wake: () => void): void {
    const set = this.#waiters.get(key);
    set?.delete(wake);
    if (set?.size === 0) this.#waiters.delete(key);
  }
}

function parse(json: string): ReplayEntry | undefined {
  try {
    const v = JSON.parse(json) as { body?: unknown; signature_sha256?: unknown };
    if (typeof v.body !== 'object' || v.body === null || typeof v.signature_sha256 !== 'string') return undefined;
    return { body: v.body as Record<string, unknown>, signatureSha256: v.signature_sha256 };
  } catch {
    return undefined;
  }
}
