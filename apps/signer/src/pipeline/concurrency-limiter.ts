import { ErrorCode, openKmsError } from '@openkms/core';

/** Counts work in flight and refuses (503 overloaded) beyond a limit instead of queueing without bound. */
export class ConcurrencyLimiter {
  private current = 0;

  constructor(
    readonly name: string,
    private readonly limit: number,
  ) {}

  get inFlight(): number {
    return this.current;
  }

  /** Takes a slot or throws overloaded; call the returned function exactly once to give it back. */
  acquire(): () => void {
    if (this.current >= this.limit) {
      throw openKmsError(ErrorCode.overloaded, `too many requests in flight (${this.name} limit ${this.limit}); retry shortly`, {
        limit: this.name,
        retry_after_secs: 1,
      });
    }
    this.current++;
    let released = false;
    return () => {
      if (!released) {
        released = true;
        this.current--;
      }
    };
  }
}
