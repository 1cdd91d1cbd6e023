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
  /** Times of the signatures (reserved and committed) of `label` with time > since, oldest first. */
  signTimes(label: string, since: number): readonly number[];
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

interface StoredEvent extends SignEvent {
  readonly id: string;
  readonly label: string;
  pending: boolean;
}

/** The in-memory PolicyStateStore: per key, a time-ordered list of events. Lost on restart by design (see restore). */
export class MemoryPolicyStateStore implements PolicyStateStore {
  readonly #events = new Map<string, StoredEvent[]>();
  readonly #pending = new Map<string, StoredEvent>();
  #nextId = 1;

  signTimes(label: string, since: number): readonly number[] {
    const list = this.#events.get(label);
    if (list === undefined) return [];
    return list.slice(firstAfter(list, since)).map((e) => e.time);
  }

  spends(label: string, asset: string, since: number): readonly SpendEntry[] {
    const list = this.#events.get(label);
    if (list === undefined) return [];
    const out: SpendEntry[] = [];
    for (let i = firstAfter(list, since); i < list.length; i++) {
      const e = list[i]!;
      const amount = e.spend.get(asset);
      if (amount !== undefined && amount > 0n) out.push({ time: e.time, amount });
    }
    return out;
  }

  spentAssets(label: string, since: number): readonly string[] {
    const list = this.#events.get(label);
    if (list === undefined) return [];
    const assets = new Set<string>();
    for (let i = firstAfter(list, since); i < list.length; i++) {
      for (const [asset, amount] of list[i]!.spend) if (amount > 0n) assets.add(asset);
    }
    return [...assets];
  }

  reserve(label: string, event: SignEvent): string {
    const stored = this.#insert(label, event, true);
    this.#pending.set(stored.id, stored);
    return stored.id;
  }

  commit(id: string): void {
    const e = this.#pending.get(id);
    if (e === undefined) return;
    e.pending = false;
    this.#pending.delete(id);
  }

  release(id: string): void {
    const e = this.#pending.get(id);
    if (e === undefined) return;
    this.#pending.delete(id);
    const list = this.#events.get(e.label);
    const i = list?.indexOf(e) ?? -1;
    if (list !== undefined && i >= 0) list.splice(i, 1);
  }

  add(label: string, event: SignEvent): void {
    this.#insert(label, event, false);
  }

  prune(before: number): void {
    for (const [label, list] of this.#events) {
      const n = firstAfter(list, before);
      if (n === 0) continue;
      for (const e of list.slice(0, n)) if (e.pending) this.#pending.delete(e.id);
      if (n === list.length) this.#events.delete(label);
      else list.splice(0, n);
    }
  }

  /** Number of reservations neither committed nor released (for tests and metrics). */
  get pendingCount(): number {
    return this.#pending.size;
  }

  #insert(label: string, event: SignEvent, pending: boolean): StoredEvent {
    const stored: StoredEvent = { id: `r${this.#nextId++}`, label, time: event.time, spend: new Map(event.spend), pending };
    let list = this.#events.get(label);
    if (list === undefined) {
      list = [];
      this.#events.set(label, list);
    }
    const last = list[list.length - 1];
    if (last === undefined || last.time <= stored.time) list.push(stored);
    else list.splice(firstAfter(list, stored.time), 0, stored);
    return stored;
  }
}

/** Index of the first event with time > t (binary search over a time-ordered list). */
function firstAfter(list: readonly { time: number }[], t: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]!.time > t) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
