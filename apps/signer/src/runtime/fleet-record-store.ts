import type { RecordStore } from './record-store.js';

/** What fleet-record-store needs of @openkms/redis-store's RedisRecordMap (the package is loaded in fleet mode only). */
export interface RecordMapLike {
  all(): Promise<Map<string, string>>;
  get(id: string): Promise<string | undefined>;
  put(id: string, next: string | undefined, expected: string | undefined): Promise<boolean>;
  claim(id: string, ttlMs: number): Promise<boolean>;
  unclaim(id: string): Promise<void>;
  claimed(id: string): Promise<boolean>;
}

/**
 * Fleet mode's RecordStore: the records as JSON in the fleet's Redis hash. Each record object returned remembers
 * the exact text it was read from; `put` compares against that text in Redis (compare-and-set), so a record changed
 * by another instance since it was read is never overwritten. A record that does not have the record's shape
 * (`isRecord`) is skipped (never decided or finished from a guess).
 */
export class FleetRecordStore<T extends { readonly id: string }> implements RecordStore<T> {
  readonly shared = true;
  readonly #map: RecordMapLike;
  readonly #isRecord: (x: Partial<T>) => boolean;
  readonly #raw = new WeakMap<object, string>();

  constructor(map: RecordMapLike, isRecord: (x: Partial<T>) => boolean) {
    this.#map = map;
    this.#isRecord = isRecord;
  }

  async all(): Promise<T[]> {
    const out: T[] = [];
    for (const text of (await this.#map.all()).values()) {
      const r = this.#parse(text);
      if (r !== undefined) out.push(r);
    }
    return out;
  }

  async get(id: string): Promise<T | undefined> {
    const text = await this.#map.get(id);
    return text === undefined ? undefined : this.#parse(text);
  }

  async put(next: T | undefined, prev: T | undefined, id = next?.id ?? prev?.id): Promise<boolean> {
    if (id === undefined) throw new Error('put needs a record');
    const expected = prev === undefined ? undefined : this.#raw.get(prev);
    if (prev !== undefined && expected === undefined) throw new Error('put: prev was not read from this store');
    const text = next === undefined ? undefined : JSON.stringify(next);
    const ok = await this.#map.put(id, text, expected);
    if (ok && next !== undefined && text !== undefined) this.#raw.set(next, text);
    return ok;
  }

  claim(id: string, ttlMs: number): Promise<boolean> {
    return this.#map.claim(id, ttlMs);
  }

  unclaim(id: string): Promise<void> {
    return this.#map.unclaim(id);
  }

  claimed(id: string): Promise<boolean> {
    return this.#map.claimed(id);
  }

  #parse(text: string): T | undefined {
    let r: unknown;
    try {
      r = JSON.parse(text);
    } catch {
      return undefined;
    }
    if (typeof r !== 'object' || r === null || !this.#isRecord(r as Partial<T>)) return undefined;
    this.#raw.set(r, text);
    return r as T;
  }
}
