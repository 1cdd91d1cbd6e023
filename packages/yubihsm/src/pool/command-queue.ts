/** A FIFO that runs one task at a time: the device processes one command at a time across all sessions. */
export class CommandQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private _depth = 0;
  private _runningSince: number | undefined;

  /** Tasks queued or running. */
  get depth(): number {
    return this._depth;
  }

  /** performance.now() when the running task started; undefined when idle. */
  get runningSince(): number | undefined {
    return this._runningSince;
  }

  run<T>(task: () => Promise<T>): Promise<T> {
    this._depth++;
    const result = this.tail.then(async () => {
      this._runningSince = performance.now();
      try {
        return await task();
      } finally {
        this._runningSince = undefined;
      }
    });
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result.finally(() => {
      this._depth--;
    });
  }
}
