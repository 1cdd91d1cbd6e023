import { openKmsError } from '@openkms/core';

export interface KeyQueueOptions {
  /** Items one call of the runner takes at most (1: one at a time). Default 1. */
  readonly maxBatch?: number;
  /**
   * A runner's error that the items waiting behind its batch share: they fail with it at once instead of each trying
   * in turn (a store fault, e.g. Redis not answering: each would wait out its own timeout). Default: none.
   */
  readonly shareError?: (err: unknown) => boolean;
  /** Items waiting per key beyond which a new one is refused with `overloaded` (a backstop; see KeyQueue). Default 1024. */
  readonly maxWaiting?: number;
  /** Milliseconds since the epoch, the clock of the deadlines. Default Date.now. */
  readonly now?: () => number;
}

/** What the runner gives back for one item of its batch. */
export type KeyQueueOutcome<R> = { readonly ok: true; readonly value: R } | { readonly ok: false; readonly error: unknown };

/** Runs one batch of a key's items; returns one outcome per item, in order (a rejection fails the whole batch). */
export type KeyQueueRunner<I, R> = (key: string, items: readonly I[]) => Promise<readonly KeyQueueOutcome<R>[]>;

interface Entry<I, R> {
  readonly item: I;
  resolve(value: R): void;
  reject(err: unknown): void;
  timer?: NodeJS.Timeout;
}

/**
 * Runs a key's items through the runner one batch at a time, in arrival order; keys never wait for each other. The
 * first item of an idle key starts at once; the items arriving while a batch runs form the next batch (up to
 * `maxBatch`). The fleet's policy engine decides each key's requests through it, so the decisions of one instance
 * never race each other's compare-and-set (only other instances' writes can conflict), and one state read and one
 * reservation serve every request that arrived meanwhile.
 *
 * An item leaves the queue with `deadline_exceeded` when its deadline passes before its batch starts (it is never
 * run). The queue is bounded by its items' deadlines (and, in the signer, by the requests in flight); `maxWaiting` per
 * key is a backstop for callers without either. A batch that fails with an error `shareError` accepts fails every
 * item waiting behind it with the same error.
 */
export class KeyQueue<I, R> {
  /** A key is present while one of its batches runs; the items waiting for the next batch, in arrival order. */
  readonly #lanes = new Map<string, Entry<I, R>[]>();
  readonly #run: KeyQueueRunner<I, R>;
  readonly #maxBatch: number;
  readonly #shareError: (err: unknown) => boolean;
  readonly #maxWaiting: number;
  readonly #now: () => number;

  constructor(run: KeyQueueRunner<I, R>, options: KeyQueueOptions = {}) {
    this.#run = run;
    this.#maxBatch = Math.max(1, options.maxBatch ?? 1);
    this.#shareError = options.shareError ?? (() => false);
    this.#maxWaiting = options.maxWaiting ?? 1024;
    this.#now = options.now ?? Date.now;
  }

  /** Queues `item` on `key`; settles with its outcome (or rejects, see the class). */
  submit(key: string, item: I, deadline?: number): Promise<R> {
    const waiting = this.#lanes.get(key);
    if (waiting === undefined) {
      return new Promise<R>((resolve, reject) => {
        const lane: Entry<I, R>[] = [{ item, resolve, reject }];
        this.#lanes.set(key, lane);
        void this.#pump(key, lane);
      });
    }
    if (waiting.length >= this.#maxWaiting) {
      return Promise.reject(
        openKmsError('overloaded', `too many decisions waiting on this key (limit ${this.#maxWaiting}); retry shortly`, {
          limit: 'key_queue',
          retry_after_secs: 1,
        }),
      );
    }
    const remaining = deadline === undefined ? Infinity : deadline - this.#now();
    if (remaining <= 0) return Promise.reject(expired());
    return new Promise<R>((resolve, reject) => {
      const entry: Entry<I, R> = { item, resolve, reject };
      if (remaining !== Infinity) {
        entry.timer = setTimeout(() => {
          const i = waiting.indexOf(entry);
          if (i < 0) return; // its batch started meanwhile
          waiting.splice(i, 1);
          reject(expired());
        }, remaining);
      }
      waiting.push(entry);
    });
  }

  /** Items waiting on `key` for a batch (not counting the batch running). */
  waiting(key: string): number {
    return this.#lanes.get(key)?.length ?? 0;
  }

  /** Keys with a batch running. */
  get busyKeys(): number {
    return this.#lanes.size;
  }

  async #pump(key: string, waiting: Entry<I, R>[]): Promise<void> {
    while (waiting.length > 0) {
      const batch = waiting.splice(0, this.#maxBatch);
      for (const e of batch) clearTimeout(e.timer);
      let outcomes: readonly KeyQueueOutcome<R>[];
      try {
        outcomes = await this.#run(
          key,
          batch.map((e) => e.item),
        );
      } catch (err) {
        for (const e of batch) e.reject(err);
        if (this.#shareError(err)) {
          // every item waiting now fails with it; later arrivals try again
          for (const e of waiting.splice(0)) {
            clearTimeout(e.timer);
            e.reject(err);
          }
        }
        continue;
      }
      batch.forEach((e, i) => {
        const o = outcomes[i];
        if (o === undefined) e.reject(new Error('key queue: the runner gave no outcome for an item'));
        else if (o.ok) e.resolve(o.value);
        else e.reject(o.error);
      });
    }
    this.#lanes.delete(key);
  }
}

function expired() {
  return openKmsError('deadline_exceeded', "request deadline exceeded while waiting for the key's earlier decisions", {});
}
