/** A FIFO that runs one task at a time: the device processes one command at a time across all sessions. */
export class CommandQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private _depth = 0;

  /** Tasks queued or running. */
  get depth(): number {
    return this._depth;
  }

  run<T>(task: () => Promise<T>): Promise<T> {
    this._depth++;
    const result = this.tail.then(task);
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result.finally(() => {
      this._depth--;
    });
  }
}
