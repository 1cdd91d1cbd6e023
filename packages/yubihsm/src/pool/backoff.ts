export interface BackoffOptions {
  /** First delay (ms). Default 250. */
  readonly initialMs?: number;
  /** Cap (ms). Default 2000: a device that is back is found within a few seconds even after a long outage. */
  readonly maxMs?: number;
}

/** Exponential backoff: initial, 2×, 4×, … capped at max. */
export class Backoff {
  private readonly initialMs: number;
  private readonly maxMs: number;
  private _attempt = 0;

  constructor(o: BackoffOptions = {}) {
    this.initialMs = Math.max(1, o.initialMs ?? 250);
    this.maxMs = Math.max(this.initialMs, o.maxMs ?? 2_000);
  }

  get attempt(): number {
    return this._attempt;
  }

  /** The next delay; increments the attempt counter. */
  next(): number {
    const delay = Math.min(this.maxMs, this.initialMs * 2 ** Math.min(this._attempt, 30));
    this._attempt++;
    return delay;
  }

  reset(): void {
    this._attempt = 0;
  }
}
