import type { Redis } from 'ioredis';
import type { RuntimeState } from '@openkms/policy';
import { RUNTIME_READ_SCRIPT, RUNTIME_WRITE_SCRIPT } from './lua-scripts.js';
import { stateUnavailable } from './state-unavailable.js';

interface Scripted {
  okmsRuntimeRead(prefix: string): Promise<[string, string | null]>;
  okmsRuntimeWrite(prefix: string, expected: string, data: string): Promise<number>;
}

/**
 * Keeps this instance's RuntimeState (kill switches, overlays) equal to the fleet's copy in Redis: every change is
 * written with a compare-and-set on the revision and announced on `<prefix>runtime:changed`; every instance re-reads
 * on the announcement (pub/sub, well under a second), when its subscriber reconnects, and whenever a decision's state
 * read shows a newer revision (so a missed message never lets a decision run on an old switch).
 */
export class RedisRuntimeSync {
  readonly #redis: Redis & Scripted;
  readonly #subscriber: Redis;
  readonly #prefix: string;
  readonly #runtime: RuntimeState;
  #revision = '';
  #refreshing: Promise<void> | undefined;

  constructor(redis: Redis, subscriber: Redis, prefix: string, runtime: RuntimeState) {
    if ((redis as Partial<Scripted>).okmsRuntimeRead === undefined) {
      redis.defineCommand('okmsRuntimeRead', { numberOfKeys: 0, lua: RUNTIME_READ_SCRIPT });
      redis.defineCommand('okmsRuntimeWrite', { numberOfKeys: 0, lua: RUNTIME_WRITE_SCRIPT });
    }
    this.#redis = redis as Redis & Scripted;
    this.#subscriber = subscriber;
    this.#prefix = prefix;
    this.#runtime = runtime;
  }

  get channel(): string {
    return `${this.#prefix}runtime:changed`;
  }

  /** The revision this instance has applied. */
  get revision(): string {
    return this.#revision;
  }

  /**
   * Subscribes, then reads the fleet's state (seeding Redis with this instance's state when the fleet has none yet,
   * unless `seed` is false). Rejects with `state_unavailable` when Redis cannot be reached.
   */
  async start(o: { seed?: boolean } = {}): Promise<void> {
    this.#subscriber.on('message', (channel: string) => {
      if (channel === this.channel) void this.refresh().catch(() => undefined);
    });
    // after a reconnect: subscribe again (see createRedisSubscriber) and read what may have been missed meanwhile
    this.#subscriber.on('ready', () => {
      void this.#subscriber.subscribe(this.channel).catch(() => undefined);
      void this.refresh().catch(() => undefined);
    });
    try {
      await this.#subscriber.subscribe(this.channel);
      const [rev, data] = await this.#redis.okmsRuntimeRead(this.#prefix);
      if (data === null && rev === '0' && o.seed !== false) {
        await this.#redis.okmsRuntimeWrite(this.#prefix, '0', JSON.stringify(this.#runtime.snapshot()));
      }
    } catch (err) {
      throw stateUnavailable(err, 'subscribe to the runtime state');
    }
    await this.refresh();
  }

  /** Re-reads the fleet's runtime state if its revision differs from `seen` (or always, without one). */
  async refresh(seen?: string): Promise<void> {
    if (seen !== undefined && seen === this.#revision) return;
    this.#refreshing ??= (async () => {
      try {
        const [rev, data] = await this.#redis.okmsRuntimeRead(this.#prefix);
        if (data !== null) this.#runtime.adopt(JSON.parse(data));
        this.#revision = rev;
      } catch (err) {
        throw stateUnavailable(err, 'read the runtime state');
      } finally {
        this.#refreshing = undefined;
      }
    })();
    return this.#refreshing;
  }

  /**
   * Applies a change to the fleet's state: on the latest copy, locally, then stored if nobody changed it meanwhile
   * (else on the newer copy again). A disable applied locally stays applied even if it cannot be stored (the error
   * is still thrown: the operator must know the fleet did not get it).
   */
  async change<T>(apply: () => T): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      await this.refresh();
      const expected = this.#revision;
      const result = apply();
      let rev: number;
      try {
        rev = await this.#redis.okmsRuntimeWrite(this.#prefix, expected, JSON.stringify(this.#runtime.snapshot()));
      } catch (err) {
        throw stateUnavailable(err, 'store the runtime state');
      }
      if (rev >= 0) {
        this.#revision = String(rev);
        return result;
      }
      if (attempt > 50) throw stateUnavailable(new Error('contended'), 'store the runtime state');
    }
  }
}
