import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { MemoryPolicyStateStore, type SharedPolicyStateStore, type SharedStateSnapshot, type SignEvent } from '@openkms/policy';
import { COMMIT_SCRIPT, HOLD_SCRIPT, LOAD_SCRIPT, RELEASE_SCRIPT, RESERVE_MANY_SCRIPT, RESERVE_SCRIPT } from './lua-scripts.js';
import { stateUnavailable } from './state-unavailable.js';

export interface RedisPolicyStateStoreOptions {
  readonly prefix: string;
  /** This instance's id (goes into reservation ids, for operators reading Redis). */
  readonly instanceId: string;
  /** How long a pending reservation holds its budget without a commit before it lapses (a crashed instance's). */
  readonly leaseMs: number;
  /** Milliseconds since the epoch. Default Date.now. */
  readonly now?: () => number;
  /** Called with the runtime state's revision read along with every decision's state (re-read when it moved). */
  readonly onRuntimeRevision?: (revision: string) => Promise<void> | void;
}

type Reply = [string, string, string[], ...(string | string[])[]];

interface Scripted {
  okmsLoad(prefix: string, label: string, since: string, now: string): Promise<Reply>;
  okmsReserve(...args: string[]): Promise<number>;
  okmsReserveMany(...args: string[]): Promise<number>;
  okmsCommit(prefix: string, id: string): Promise<number>;
  okmsHold(prefix: string, id: string): Promise<number>;
  okmsRelease(prefix: string, id: string): Promise<number>;
}

/**
 * The policy counters of a fleet in Redis (see lua-scripts.ts for the layout). A decision reads the key's windows
 * and version in one script call, the engine evaluates locally, and the reservation is a compare-and-set script on
 * the version; commit, release and the lapse of expired leases are scripts too. Every fault rejects with
 * `state_unavailable`. A commit that fails is retried in the background until it lands (if its lease lapsed
 * meanwhile, the signature is added back as committed).
 */
export class RedisPolicyStateStore implements SharedPolicyStateStore {
  readonly kind = 'redis';
  readonly #redis: Redis & Scripted;
  readonly #o: RedisPolicyStateStoreOptions;
  readonly #now: () => number;
  /** Pending reservations of this instance: what to add back if a lease lapsed before its commit landed. */
  readonly #mine = new Map<string, { label: string; event: SignEvent }>();
  readonly #retries = new Set<Promise<void>>();
  #closed = false;

  constructor(redis: Redis, options: RedisPolicyStateStoreOptions) {
    defineScripts(redis);
    this.#redis = redis as Redis & Scripted;
    this.#o = options;
    this.#now = options.now ?? Date.now;
  }

  async load(label: string, since: number): Promise<SharedStateSnapshot> {
    let reply: Reply;
    try {
      reply = await this.#redis.okmsLoad(this.#o.prefix, label, String(since), String(this.#now()));
    } catch (err) {
      throw stateUnavailable(err, 'read the key state');
    }
    const [version, runtimeRev, signs, ...assets] = reply;
    if (this.#o.onRuntimeRevision) {
      try {
        await this.#o.onRuntimeRevision(runtimeRev);
      } catch (err) {
        throw stateUnavailable(err, 'read the runtime state');
      }
    }
    const events = new Map<string, { time: number; spend: Map<string, bigint> }>();
    for (let i = 0; i < signs.length; i += 2) events.set(signs[i]!, { time: Number(signs[i + 1]), spend: new Map() });
    for (let i = 0; i < assets.length; i += 2) {
      const asset = assets[i] as string;
      const entries = assets[i + 1] as string[];
      for (let j = 0; j < entries.length; j += 2) {
        const member = entries[j]!;
        const bar = member.lastIndexOf('|');
        const id = member.slice(0, bar);
        const amount = BigInt(member.slice(bar + 1));
        let e = events.get(id);
        if (e === undefined) events.set(id, (e = { time: Number(entries[j + 1]), spend: new Map() }));
        e.spend.set(asset, (e.spend.get(asset) ?? 0n) + amount);
      }
    }
    const view = new MemoryPolicyStateStore();
    for (const e of events.values()) view.add(label, e);
    return { view, version };
  }

  async reserveIf(label: string, version: string, event: SignEvent): Promise<string | undefined> {
    return this.#reserve(label, version, event, true);
  }

  async reserveAllIf(label: string, version: string, events: readonly SignEvent[]): Promise<string[] | undefined> {
    const ids = events.map(() => `${this.#o.instanceId}.${randomUUID()}`);
    const args = [this.#o.prefix, label, version, String(this.#now() + this.#o.leaseMs), String(this.#o.leaseMs * 4 + 86_400_000)];
    events.forEach((event, i) => {
      const spend = [...event.spend].filter(([, amount]) => amount > 0n);
      args.push(ids[i]!, String(event.time), String(spend.length));
      for (const [asset, amount] of spend) args.push(asset, amount.toString());
    });
    let ok: number;
    try {
      ok = await this.#redis.okmsReserveMany(...args);
    } catch (err) {
      throw stateUnavailable(err, 'reserve the budget');
    }
    if (ok !== 1) return undefined;
    events.forEach((event, i) => this.#mine.set(ids[i]!, { label, event }));
    return ids;
  }

  async reserve(label: string, event: SignEvent): Promise<string> {
    return (await this.#reserve(label, '', event, true))!;
  }

  async add(label: string, event: SignEvent): Promise<void> {
    await this.#reserve(label, '', event, false);
  }

  async commit(id: string): Promise<void> {
    try {
      await this.#commitOnce(id);
    } catch {
      this.#retry(id);
    }
  }

  async release(id: string): Promise<void> {
    this.#mine.delete(id);
    try {
      await this.#redis.okmsRelease(this.#o.prefix, id);
    } catch {
      // the lease lapses on its own: the budget comes back then
    }
  }

  async hold(id: string): Promise<void> {
    try {
      await this.#redis.okmsHold(this.#o.prefix, id);
    } catch (err) {
      throw stateUnavailable(err, 'hold a reservation');
    }
  }

  /** Stops background commit retries (their reservations lapse; the audit log still has the signatures). */
  close(): void {
    this.#closed = true;
  }

  /** Commits still being retried (tests, metrics). */
  get pendingCommits(): number {
    return this.#retries.size;
  }

  async #reserve(label: string, expected: string, event: SignEvent, pending: boolean): Promise<string | undefined> {
    const id = `${this.#o.instanceId}.${randomUUID()}`;
    const args = [
      this.#o.prefix,
      label,
      expected,
      id,
      String(event.time),
      pending ? String(this.#now() + this.#o.leaseMs) : '',
      String(this.#o.leaseMs * 4 + 86_400_000),
    ];
    for (const [asset, amount] of event.spend) if (amount > 0n) args.push(asset, amount.toString());
    let ok: number;
    try {
      ok = await this.#redis.okmsReserve(...args);
    } catch (err) {
      throw stateUnavailable(err, 'reserve the budget');
    }
    if (ok !== 1) return undefined;
    if (pending) this.#mine.set(id, { label, event });
    return id;
  }

  async #commitOnce(id: string): Promise<void> {
    const was = await this.#redis.okmsCommit(this.#o.prefix, id);
    const mine = this.#mine.get(id);
    this.#mine.delete(id);
    // the lease lapsed before the commit landed: the signature exists, so it counts again (as committed)
    if (was === 0 && mine !== undefined) await this.#reserve(mine.label, '', mine.event, false);
  }

  #retry(id: string): void {
    const run = (async () => {
      for (let i = 0; !this.#closed && this.#mine.has(id); i++) {
        await new Promise((r) => setTimeout(r, Math.min(100 * (i + 1), 1000)));
        try {
          await this.#commitOnce(id);
          return;
        } catch {
          // still unreachable: try again
        }
      }
    })();
    this.#retries.add(run);
    void run.finally(() => this.#retries.delete(run));
  }
}

function defineScripts(redis: Redis): void {
  const r = redis as Redis & Partial<Scripted>;
  if (r.okmsLoad !== undefined) return;
  redis.defineCommand('okmsLoad', { numberOfKeys: 0, lua: LOAD_SCRIPT });
  redis.defineCommand('okmsReserve', { numberOfKeys: 0, lua: RESERVE_SCRIPT });
  redis.defineCommand('okmsReserveMany', { numberOfKeys: 0, lua: RESERVE_MANY_SCRIPT });
  redis.defineCommand('okmsCommit', { numberOfKeys: 0, lua: COMMIT_SCRIPT });
  redis.defineCommand('okmsHold', { numberOfKeys: 0, lua: HOLD_SCRIPT });
  redis.defineCommand('okmsRelease', { numberOfKeys: 0, lua: RELEASE_SCRIPT });
}
