import type { Redis } from 'ioredis';
import { MARKER_CHECK } from './fleet-marker.js';
import { stateUnavailable } from './state-unavailable.js';

/** ARGV: prefix, hash key, id, expected JSON ('' = absent), next JSON ('' = delete). Returns 1, or 0 when it changed. */
const PUT_SCRIPT = `
local p, h, id, expected, nextv = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
${MARKER_CHECK}
local cur = redis.call('HGET', h, id)
if cur == false then cur = '' end
if cur ~= expected then return 0 end
if nextv == '' then redis.call('HDEL', h, id) else redis.call('HSET', h, id, nextv) end
return 1
`;

interface Scripted {
  okmsRecordPut(prefix: string, hash: string, id: string, expected: string, next: string): Promise<number>;
}

/**
 * A fleet's map of JSON records (pending approvals, pairings) in one Redis hash `<prefix><name>`, changed only by
 * compare-and-set on a record's exact stored text (so two instances deciding the same record at once cannot both
 * win), plus short exclusive claims `<prefix><name>:claim:<id>` (SET NX PX) for work that must run on one instance
 * only (signing an approved request, making a pairing's token). Every fault rejects with `state_unavailable`; a
 * write while the fleet marker is missing with `state_lost`.
 */
export class RedisRecordMap {
  readonly #redis: Redis & Scripted;
  readonly #prefix: string;
  readonly #hash: string;
  readonly #owner: string;

  constructor(redis: Redis, prefix: string, name: string, owner: string) {
    if ((redis as Partial<Scripted>).okmsRecordPut === undefined) redis.defineCommand('okmsRecordPut', { numberOfKeys: 0, lua: PUT_SCRIPT });
    this.#redis = redis as Redis & Scripted;
    this.#prefix = prefix;
    this.#hash = `${prefix}${name}`;
    this.#owner = owner;
  }

  /** Every record's stored text by id. */
  async all(): Promise<Map<string, string>> {
    try {
      return new Map(Object.entries(await this.#redis.hgetall(this.#hash)));
    } catch (err) {
      throw stateUnavailable(err, `read ${this.#hash}`);
    }
  }

  async get(id: string): Promise<string | undefined> {
    try {
      return (await this.#redis.hget(this.#hash, id)) ?? undefined;
    } catch (err) {
      throw stateUnavailable(err, `read ${this.#hash}`);
    }
  }

  /** Stores `next` (undefined: deletes) if the record's text is still `expected` (undefined: absent). */
  async put(id: string, next: string | undefined, expected: string | undefined): Promise<boolean> {
    try {
      return (await this.#redis.okmsRecordPut(this.#prefix, this.#hash, id, expected ?? '', next ?? '')) === 1;
    } catch (err) {
      throw stateUnavailable(err, `write ${this.#hash}`);
    }
  }

  /** Takes the exclusive claim on `id` for `ttlMs` (it lapses if this instance dies); false when another holds it. */
  async claim(id: string, ttlMs: number): Promise<boolean> {
    try {
      return (await this.#redis.set(this.#claimKey(id), this.#owner, 'PX', Math.max(1, Math.round(ttlMs)), 'NX')) === 'OK';
    } catch (err) {
      throw stateUnavailable(err, `claim ${this.#hash}`);
    }
  }

  async unclaim(id: string): Promise<void> {
    try {
      await this.#redis.del(this.#claimKey(id));
    } catch {
      // it lapses on its own
    }
  }

  async claimed(id: string): Promise<boolean> {
    try {
      return (await this.#redis.exists(this.#claimKey(id))) === 1;
    } catch (err) {
      throw stateUnavailable(err, `read ${this.#hash}`);
    }
  }

  #claimKey(id: string): string {
    return `${this.#hash}:claim:${id}`;
  }
}
