import { openKmsError } from '@openkms/core';

export interface KeyQueueOptions {
  /**
   * A task's error that its waiters share: they fail with it at once instead of each trying in turn (a store fault,
   * e.g. Redis not answering: every waiter would wait out its own timeout behind the one before it). Default: none.
   */
  readonly shareError?: (err: unknown) => boolean;
  /** Waiters per key beyond which a new task is refused with `overloaded` (a backstop; see KeyQueue). Default 1024. */
  readonly maxWaiting?: number;
  /** Milliseconds since the epoch, the clock of the deadlines. Default Date.now. */
  readonly now?: () => number;
}

interface Waiter {
  start(): void;
  fail(err: unknown): void;
}

/**
 * Runs async tasks one at a time per key, in arrival order; tasks of different keys never wait for each other. The
 * fleet's policy engine runs each key's read → evaluate → compare-and-set reservation through it, so the decisions of
 * one instance never race each other's compare-and-set (only other instances' writes can conflict).
 *
 * A waiter leaves the queue with `deadline_exceeded` when its deadline passes before its turn (the task it would run
 * is not started). The queue is bounded by its waiters' deadlines (and, in the signer, by the requests in flight);
 * `maxWaiting` per key is a backstop for callers without either. A task that fails with an error `shareError` accepts
 * fails every waiter queued behind it with the same error.
 */
export class KeyQueue {
  /** A key is present while one of its tasks runs; its waiters in arrival order. */
  readonly #lanes = new Map<string, Waiter[]>();
  readonly #shareError: (err: unknown) => boolean;
  readonly #maxWaiting: number;
  readonly #now: () => number;

  constructor(options: KeyQueueOptions = {}) {
    this.#shareError = options.shareError ?? (() => false);
    this.#maxWaiting = options.maxWaiting ?? 1024;
    this.#now = options.now ?? Date.now;
  }

  /** Runs `task` once every task queued before it on `key` has settled (or rejects, see the class). */
  async run<T>(key: string, task: () => Promise<T>, deadline?: number): Promise<T> {
    const lane = this.#lanes.get(key);
    if (lane === undefined) this.#lanes.set(key, []);
    else await this.#wait(lane, deadline);
    try {
      return await task();
    } catch (err) {
      if (this.#shareError(err)) {
        const waiting = this.#lanes.get(key);
        // every waiter queued now fails with it; later arrivals try again
        if (waiting !== undefined) for (const w of waiting.splice(0)) w.fail(err);
      }
      throw err;
    } finally {
      this.#next(key);
    }
  }

  /** Tasks waiting for their turn on `key` (not counting the running one). */
  waiting(key: string): number {
    return this.#lanes.get(key)?.length ?? 0;
  }

  /** Keys with a task running. */
  get busyKeys(): number {
    return this.#lanes.size;
  }

  #wait(lane: Waiter[], deadline: number | undefined): Promise<void> {
    if (lane.length >= this.#maxWaiting) {
      return Promise.reject(
        openKmsError('overloaded', `too many decisions waiting on this key (limit ${this.#maxWaiting}); retry shortly`, {
          limit: 'key_queue',
          retry_after_secs: 1,
        }),
      );
    }
    const remaining = deadline === undefined ? Infinity : deadline - this.#now();
    if (remaining <= 0) return Promise.reject(expired());
    return new Promise<void>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const waiter: Waiter = {
        start: () => {
          clearTimeout(timer);
          resolve();
        },
        fail: (err) => {
          clearTimeout(timer);
          reject(err);
        },
      };
      if (remaining !== Infinity) {
        timer = setTimeout(() => {
          const i = lane.indexOf(waiter);
          if (i >= 0) lane.splice(i, 1);
          reject(expired());
        }, remaining);
      }
      lane.push(waiter);
    });
  }

  #next(key: string): void {
    const lane = this.#lanes.get(key);
    const next = lane?.shift();
    if (next !== undefined) next.start();
    else this.#lanes.delete(key);
  }
}

function expired() {
  return openKmsError('deadline_exceeded', "request deadline exceeded while waiting for the key's earlier decisions", {});
}
