/** One accepted (reserved or committed) signature: when, and how much of each asset it moves. */
export interface SignEvent {
  /** Milliseconds since the epoch (the engine's clock). */
  readonly time: number;
  /** Asset id → total amount in base units (only positive amounts need to be present). */
  readonly spend: ReadonlyMap<string, bigint>;
}

export interface SpendEntry {
  readonly time: number;
  readonly amount: bigint;
}

/**
 * Where sign counts and rolling spend live. The engine only ever calls it synchronously, in one turn of the event
 * loop from check to `reserve`, which is what makes a decision and its reservation atomic. The in-memory store is
 * the only implementation today; a store shared by several signer instances must keep the same contract (for
 * example by holding a lease on the key's budget, or by moving the check itself into the store).
 *
 * Windows are "time > since": an event at `t` stops counting at `t + window`.
 */
export interface PolicyStateStore {
  /** Number of signatures (reserved and committed) of `label` with time > since. */
  signCount(label: string, since: number): number;
  /** Time of the `index`-th oldest (0-based) signature of `label` with time > since (undefined past the end). */
  signTimeAt(label: string, since: number, index: number): number | undefined;
  /** Times of the signatures (reserved and committed) of `label` with time > since, oldest first. */
  signTimes(label: string, since: number): readonly number[];
  /** Total spend of `asset` by `label` (reserved and committed) with time > since. */
  spent(label: string, asset: string, since: number): bigint;
  /** Spend of `asset` by `label` (reserved and committed) with time > since, oldest first. */
  spends(label: string, asset: string, since: number): readonly SpendEntry[];
  /** Assets `label` spent (reserved or committed) with time > since, in no particular order. */
  spentAssets(label: string, since: number): readonly string[];
  /** Records a pending signature and returns its id. */
  reserve(label: string, event: SignEvent): string;
  /** Makes a pending signature permanent. Unknown or finished ids are ignored. */
  commit(id: string): void;
  /** Forgets a pending signature (signing failed). Unknown or finished ids are ignored. */
  release(id: string): void;
  /** Records an already committed signature (used by restore). */
  add(label: string, event: SignEvent): void;
  /** Forgets every event with time <= before. */
  prune(before: number): void;
}

/** The largest amount a BigUint64Array holds. */
const MAX_U64 = (1n << 64n) - 1n;

/**
 * A time-ordered series in typed arrays: times (and the sequence number of the event each entry belongs to) in
 * Float64Arrays, amounts (spend series only) beside a running total — in a BigUint64Array while every amount fits in
 * 64 bits (lamports, uatom, wei up to ~18 ETH), else in a plain array of bigints (the series switches once, for good,
 * when a larger amount arrives). The live entries are [head, end); pruning advances head, and the arrays are
 * compacted when the dead prefix is more than half. About 16 bytes per signature plus 8 per spent asset, where an
 * object and a Map per signature cost hundreds (a bigint alone costs ~32 with its slot): the 24-hour windows are
 * the state a signer keeps per signature. The per-request questions (how many in the window, how much spent) cost a
 * binary search, not a copy.
 */
export class TimeSeries {
  times: Float64Array;
  seqs: Float64Array;
  amounts: BigUint64Array | bigint[] | undefined;
  head = 0;
  end = 0;
  /** Sum of the live amounts (spend series). */
  total = 0n;

  constructor(withAmounts: boolean, capacity = 16) {
    this.times = new Float64Array(capacity);
    this.seqs = new Float64Array(capacity);
    this.amounts = withAmounts ? new BigUint64Array(capacity) : undefined;
  }

  get length(): number {
    return this.end - this.head;
  }

  /** Index (absolute) of the first live entry with time > t. */
  firstAfter(t: number): number {
    let lo = this.head;
    let hi = this.end;
    const times = this.times;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (times[mid]! > t) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  insert(time: number, seq: number, amount = 0n): void {
    if (this.end === this.times.length) this.#grow();
    // after every entry with the same or an earlier time (appending is the common case)
    const at = this.end === this.head || this.times[this.end - 1]! <= time ? this.end : this.firstAfter(time);
    if (this.amounts instanceof BigUint64Array && (amount < 0n || amount > MAX_U64)) this.amounts = Array.from(this.amounts.subarray(0, this.end));
    if (at < this.end) {
      this.times.copyWithin(at + 1, at, this.end);
      this.seqs.copyWithin(at + 1, at, this.end);
      if (this.amounts instanceof BigUint64Array) this.amounts.copyWithin(at + 1, at, this.end);
    }
    this.times[at] = time;
    this.seqs[at] = seq;
    if (this.amounts instanceof BigUint64Array) this.amounts[at] = amount;
    else if (this.amounts !== undefined) this.amounts.splice(at, 0, amount);
    if (this.amounts !== undefined) this.total += amount;
    this.end++;
  }

  /** Removes the entry of event `seq` (searched from the newest end: pending events are recent). */
  remove(seq: number): void {
    for (let i = this.end - 1; i >= this.head; i--) {
      if (this.seqs[i] !== seq) continue;
      this.times.copyWithin(i, i + 1, this.end);
      this.seqs.copyWithin(i, i + 1, this.end);
      if (this.amounts instanceof BigUint64Array) {
        this.total -= this.amounts[i]!;
        this.amounts.copyWithin(i, i + 1, this.end);
      } else if (this.amounts !== undefined) this.total -= this.amounts.splice(i, 1)[0]!;
      this.end--;
      return;
    }
  }

  /** Forgets the entries with time <= before. */
  pruneUpTo(before: number): void {
    const n = this.firstAfter(before);
    if (this.amounts !== undefined) for (let i = this.head; i < n; i++) this.total -= this.amounts[i]!;
    this.head = n;
    if (this.head === this.end) {
      this.head = this.end = 0;
      if (Array.isArray(this.amounts)) this.amounts.length = 0;
    } else if (this.head > this.times.length / 2) this.#compact(this.times.length);
  }

  /** Sum of the amounts with time > since. */
  sumAfter(since: number): bigint {
    let sum = this.total;
    const times = this.times;
    for (let i = this.head; i < this.end && times[i]! <= since; i++) sum -= this.amounts![i]!;
    return sum;
  }

  #grow(): void {
    // reuse the dead prefix while the live part fills at most 3/4 of the arrays; else double them
    const live = this.length;
    this.#compact(live * 4 > this.times.length * 3 ? Math.max(16, this.times.length * 2) : this.times.length);
  }

  #compact(capacity: number): void {
    const times = new Float64Array(capacity);
    const seqs = new Float64Array(capacity);
    times.set(this.times.subarray(this.head, this.end));
    seqs.set(this.seqs.subarray(this.head, this.end));
    if (this.amounts instanceof BigUint64Array) {
      const amounts = new BigUint64Array(capacity);
      amounts.set(this.amounts.subarray(this.head, this.end));
      this.amounts = amounts;
    } else if (this.amounts !== undefined) this.amounts.splice(0, this.head);
    this.times = times;
    this.seqs = seqs;
    this.end -= this.head;
    this.head = 0;
  }
}

interface KeySeries {
  readonly signs: TimeSeries;
  readonly assets: Map<string, TimeSeries>;
}

interface Pending {
  readonly label: string;
  readonly seq: number;
  readonly time: number;
  readonly assets: readonly string[];
}

/**
 * The in-memory PolicyStateStore: per key, one time series of its signatures and one per spent asset, in typed
 * arrays (see TimeSeries). Lost on restart by design (see restore).
 */
export class MemoryPolicyStateStore implements PolicyStateStore {
  readonly #keys = new Map<string, KeySeries>();
  readonly #pending = new Map<string, Pending>();
  #nextSeq = 1;

  signCount(label: string, since: number): number {
    const s = this.#keys.get(label)?.signs;
    return s === undefined ? 0 : s.end - s.firstAfter(since);
  }

  signTimeAt(label: string, since: number, index: number): number | undefined {
    const s = this.#keys.get(label)?.signs;
    if (s === undefined || index < 0) return undefined;
    const i = s.firstAfter(since) + index;
    return i < s.end ? s.times[i] : undefined;
  }

  signTimes(label: string, since: number): readonly number[] {
    const s = this.#keys.get(label)?.signs;
    return s === undefined ? [] : Array.from(s.times.subarray(s.firstAfter(since), s.end));
  }

  spent(label: string, asset: string, since: number): bigint {
    return this.#keys.get(label)?.assets.get(asset)?.sumAfter(since) ?? 0n;
  }

  spends(label: string, asset: string, since: number): readonly SpendEntry[] {
    const s = this.#keys.get(label)?.assets.get(asset);
    if (s === undefined) return [];
    const out: SpendEntry[] = [];
    for (let i = s.firstAfter(since); i < s.end; i++) out.push({ time: s.times[i]!, amount: s.amounts![i]! });
    return out;
  }

  spentAssets(label: string, since: number): readonly string[] {
    const k = this.#keys.get(label);
    if (k === undefined) return [];
    const out: string[] = [];
    for (const [asset, s] of k.assets) if (s.firstAfter(since) < s.end) out.push(asset);
    return out;
  }

  reserve(label: string, event: SignEvent): string {
    const seq = this.#insert(label, event);
    const id = `r${seq}`;
    this.#pending.set(id, { label, seq, time: event.time, assets: [...positive(event.spend)].map(([a]) => a) });
    return id;
  }

  commit(id: string): void {
    this.#pending.delete(id);
  }

  release(id: string): void {
    const p = this.#pending.get(id);
    if (p === undefined) return;
    this.#pending.delete(id);
    const k = this.#keys.get(p.label);
    if (k === undefined) return;
    k.signs.remove(p.seq);
    for (const asset of p.assets) {
      const s = k.assets.get(asset);
      if (s === undefined) continue;
      s.remove(p.seq);
      if (s.length === 0) k.assets.delete(asset);
    }
    if (k.signs.length === 0) this.#keys.delete(p.label);
  }

  add(label: string, event: SignEvent): void {
    this.#insert(label, event);
  }

  prune(before: number): void {
    for (const [label, k] of this.#keys) {
      if (k.signs.length > 0 && k.signs.times[k.signs.head]! > before) continue; // nothing old enough (common case)
      k.signs.pruneUpTo(before);
      for (const [asset, s] of k.assets) {
        s.pruneUpTo(before);
        if (s.length === 0) k.assets.delete(asset);
      }
      if (k.signs.length === 0) this.#keys.delete(label);
    }
    for (const [id, p] of this.#pending) if (p.time <= before) this.#pending.delete(id);
  }

  /** Number of reservations neither committed nor released (for tests and metrics). */
  get pendingCount(): number {
    return this.#pending.size;
  }

  /** Live entries and typed-array capacity of a key's series (tests: the counters stay compact). */
  footprint(label: string): { signs: number; capacity: number; bytes: number; assets: Record<string, number> } | undefined {
    const k = this.#keys.get(label);
    if (k === undefined) return undefined;
    let bytes = k.signs.times.byteLength + k.signs.seqs.byteLength;
    const assets: Record<string, number> = {};
    for (const [asset, s] of k.assets) {
      // a bigint in a plain array: its 8-byte slot and ~24 bytes of its own
      bytes += s.times.byteLength + s.seqs.byteLength + (s.amounts instanceof BigUint64Array ? s.amounts.byteLength : (s.amounts?.length ?? 0) * 32);
      assets[asset] = s.length;
    }
    return { signs: k.signs.length, capacity: k.signs.times.length, bytes, assets };
  }

  #insert(label: string, event: SignEvent): number {
    const seq = this.#nextSeq++;
    let k = this.#keys.get(label);
    if (k === undefined) {
      k = { signs: new TimeSeries(false), assets: new Map() };
      this.#keys.set(label, k);
    }
    k.signs.insert(event.time, seq);
    for (const [asset, amount] of positive(event.spend)) {
      let s = k.assets.get(asset);
      if (s === undefined) {
        s = new TimeSeries(true);
        k.assets.set(asset, s);
      }
      s.insert(event.time, seq, amount);
    }
    return seq;
  }
}

function* positive(spend: ReadonlyMap<string, bigint>): Iterable<[string, bigint]> {
  for (const [asset, amount] of spend) if (amount > 0n) yield [asset, amount];
}
