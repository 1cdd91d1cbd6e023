/** One token's refused requests in one window, for the aggregate audit record. */
export interface DenialSummary {
  readonly tokenName: string;
  /** Window start (epoch ms). */
  readonly windowStart: number;
  readonly windowMs: number;
  /** Requests of the token refused by the pipeline (4xx) in the window. */
  readonly denials: number;
  /** Requests refused cheaply because the budget was used up (not audited one by one). */
  readonly refused: number;
  readonly limit: number;
}

interface Window {
  start: number;
  denials: number;
  refused: number;
}

/**
 * A per-token budget of refused sign requests (`auth.denied_per_minute`). Every refusal costs an audit record, so
 * a token that keeps sending requests the signer refuses could grow the log at will; once a token has used its
 * budget in the current (fixed, per-minute) window, its sign requests are refused before their body is read and
 * without a record each (429 denial_budget_exceeded, Retry-After = the end of the window). The refused requests
 * are audited in aggregate: one summary per token and window (`onSummary`), when the window is over.
 */
export class DenialBudget {
  readonly #windows = new Map<string, Window>();

  constructor(
    private readonly limit: () => number,
    private readonly onSummary: (summary: DenialSummary) => void,
    private readonly now: () => number = Date.now,
    readonly windowMs = 60_000,
  ) {}

  /** Undefined when the token may be served; otherwise seconds until its window ends (the request is counted as refused). */
  check(tokenName: string): number | undefined {
    const w = this.#window(tokenName);
    if (w.denials < this.limit()) return undefined;
    w.refused++;
    return Math.max(1, Math.ceil((w.start + this.windowMs - this.now()) / 1000));
  }

  /** Counts one refused (4xx) sign request of the token. */
  recordDenial(tokenName: string): void {
    this.#window(tokenName).denials++;
  }

  /** Emits the summaries of windows that are over (or of every window, at shutdown) and forgets them. */
  sweep(all = false): void {
    const t = this.now();
    for (const [name, w] of this.#windows) {
      if (all || w.start + this.windowMs <= t) {
        this.#windows.delete(name);
        this.#emit(name, w);
      }
    }
  }

  #window(tokenName: string): Window {
    const t = this.now();
    const start = t - (t % this.windowMs);
    let w = this.#windows.get(tokenName);
    if (w === undefined || w.start !== start) {
      if (w !== undefined) this.#emit(tokenName, w);
      w = { start, denials: 0, refused: 0 };
      this.#windows.set(tokenName, w);
    }
    return w;
  }

  #emit(tokenName: string, w: Window): void {
    if (w.refused === 0) return;
    this.onSummary({ tokenName, windowStart: w.start, windowMs: this.windowMs, denials: w.denials, refused: w.refused, limit: this.limit() });
  }
}
