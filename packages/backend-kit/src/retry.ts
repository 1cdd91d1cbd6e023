import { setTimeout as sleep } from 'node:timers/promises';

export interface RetryOptions {
  /** Attempts in all (first try included). */
  readonly maxAttempts: number;
  /** First backoff delay; doubles per retry up to `maxDelayMs`, with full jitter. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/**
 * Runs `attempt` until it succeeds, `retryable(err)` says no, or the attempts are used up; the last error is thrown.
 * Backoff is exponential with full jitter; a Retry-After hint from the service (ms) is honoured up to `maxDelayMs`.
 */
export async function withRetry<T>(
  attempt: (n: number) => Promise<T>,
  options: RetryOptions,
  retryable: (err: unknown) => { readonly retry: boolean; readonly afterMs?: number },
  onRetry?: (err: unknown, n: number) => void,
): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (err) {
      const verdict = retryable(err);
      if (!verdict.retry || n >= options.maxAttempts) throw err;
      onRetry?.(err, n);
      const cap = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (n - 1));
      const delay = verdict.afterMs !== undefined ? Math.min(options.maxDelayMs, verdict.afterMs) : Math.random() * cap;
      await sleep(delay);
    }
  }
}
