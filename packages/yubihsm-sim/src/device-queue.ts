/** One device-wide FIFO: the YubiHSM runs one command at a time across all sessions. */
export class DeviceQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private pending = 0;

  /** Number of commands queued or running. */
  get depth(): number {
    return this.pending;
  }

  run<T>(task: () => Promise<T>): Promise<T> {
    this.pending++;
    const result = this.tail.then(task, task);
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result.finally(() => {
      this.pending--;
    });
  }

  /** Resolves once everything queued so far has finished. */
  async drain(): Promise<void> {
    await this.run(async () => undefined);
  }
}
