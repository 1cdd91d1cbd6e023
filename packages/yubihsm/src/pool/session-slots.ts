import { performance } from 'node:perf_hooks';

interface Waiter {
  readonly need: number;
  readonly start: () => void;
}

/**
 * Admission to a device's sessions: up to `capacity` tasks run at once (one per session, so each session still has
 * one command in flight at a time, as the device requires), the rest wait in FIFO order. An exclusive task waits for
 * every running task and holds all slots (close, reset). The device itself runs one command at a time; keeping a
 * command queued at the connector while the previous one runs is what lets the host's work (HTTP, secure channel,
 * verification) overlap with the device's.
 */
export class SessionSlots {
  readonly capacity: number;
  private running = 0;
  private readonly waiting: Waiter[] = [];
  private readonly startedAt = new Map<symbol, number>();
  private _depth = 0;
  private lastDoneAt = -Infinity;

  constructor(capacity: number) {
    this.capacity = Math.max(1, Math.floor(capacity));
  }

  /**
   * performance.now() since when the running tasks have made no progress: the later of the oldest running task's start
   * and the last task's end; undefined when idle. A device that keeps answering never looks stuck, however many
   * commands wait at it; one that stops answering does, from its last answer on.
   */
  get stalledSince(): number | undefined {
    const oldest = this.runningSince;
    return oldest === undefined ? undefined : Math.max(oldest, this.lastDoneAt);
  }

  /** Tasks waiting or running. */
  get depth(): number {
    return this._depth;
  }

  /** Tasks running now. */
  get active(): number {
    return this.running;
  }

  /** performance.now() when the longest-running task started; undefined when idle. */
  get runningSince(): number | undefined {
    let oldest: number | undefined;
    for (const t of this.startedAt.values()) if (oldest === undefined || t < oldest) oldest = t;
    return oldest;
  }

  /** Runs `task` in one slot. `onStart` is told when it leaves the queue (before the task runs). */
  run<T>(task: () => Promise<T>, onStart?: () => void): Promise<T> {
    return this.schedule(1, task, onStart);
  }

  /** Runs `task` alone: it starts once every running task has finished, and nothing else starts until it is done. */
  runExclusive<T>(task: () => Promise<T>): Promise<T> {
    return this.schedule(this.capacity, task);
  }

  private schedule<T>(need: number, task: () => Promise<T>, onStart?: () => void): Promise<T> {
    this._depth++;
    return new Promise<T>((resolve, reject) => {
      const start = (): void => {
        this.running += need;
        const id = Symbol('task');
        this.startedAt.set(id, performance.now());
        onStart?.();
        let work: Promise<T>;
        try {
          work = task();
        } catch (err) {
          work = Promise.reject(err);
        }
        // the books are settled before the caller resumes, so it sees its own slot free
        const done = (): void => {
          this.lastDoneAt = performance.now();
          this.startedAt.delete(id);
          this.running -= need;
          this._depth--;
          this.pump();
        };
        work.then(
          (v) => {
            done();
            resolve(v);
          },
          (e: unknown) => {
            done();
            reject(e);
          },
        );
      };
      if (this.waiting.length === 0 && this.running + need <= this.capacity) start();
      else this.waiting.push({ need, start });
    });
  }

  private pump(): void {
    // strict FIFO: an exclusive task at the head is not overtaken by later single-slot tasks
    while (this.waiting.length > 0 && this.running + this.waiting[0]!.need <= this.capacity) this.waiting.shift()!.start();
  }
}
