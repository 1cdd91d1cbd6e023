import { parseRetryAfter } from './openkms-error.js';

/** Opt-in retry of answers that say "nothing was done, try again later": 429 and 503. Never another status. */
export interface RetryOptions {
  /** Attempts in all, the first included (default 3, at most 10). */
  readonly attempts?: number;
  /**
   * The longest wait (ms) the client accepts (default 30 000): an answer whose Retry-After is longer is returned at
   * once (the thrown error's `retryAfter` says when to come back), e.g. a rolling window cap that frees in hours.
   */
  readonly maxDelayMs?: number;
  /** Wait when an answer has no Retry-After (default 1000 ms; the signer always sends one). */
  readonly defaultDelayMs?: number;
  /** Called before each wait (logging, metrics). */
  readonly onRetry?: (event: RetryEvent) => void | Promise<void>;
}

export interface RetryEvent {
  /** The attempt that was answered 429/503 (1 = the first). */
  readonly attempt: number;
  readonly status: number;
  /** The answer's error code, when it had one. */
  readonly code: string | undefined;
  /** How long the client waits before the next attempt. */
  readonly delayMs: number;
}

const RETRYABLE = new Set([429, 503]);

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

async function errorCode(response: Response): Promise<string | undefined> {
  try {
    const body = (await response.clone().json()) as { code?: unknown };
    return typeof body.code === 'string' ? body.code : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A fetch that repeats a request answered 429 or 503 after the answer's Retry-After, up to `attempts` in all. 403
 * and every other status are returned as they are: a denial is not retried. Each attempt sends a fresh copy of the
 * request (its body included); the signer's replay protection makes a repeated sign request safe.
 */
export function retryingFetch(fetchFn: (request: Request) => Promise<Response>, options: RetryOptions = {}): (request: Request) => Promise<Response> {
  const attempts = Math.min(10, Math.max(1, Math.floor(options.attempts ?? 3)));
  const maxDelayMs = options.maxDelayMs ?? 30_000;
  const defaultDelayMs = options.defaultDelayMs ?? 1000;
  return async (request) => {
    for (let attempt = 1; ; attempt++) {
      const response = await fetchFn(attempt < attempts ? request.clone() : request);
      if (!RETRYABLE.has(response.status) || attempt >= attempts) return response;
      const seconds = parseRetryAfter(response.headers.get('retry-after'));
      const delayMs = seconds === undefined ? defaultDelayMs : seconds * 1000;
      if (delayMs > maxDelayMs) return response;
      const code = await errorCode(response);
      await response.body?.cancel();
      await options.onRetry?.({ attempt, status: response.status, code, delayMs });
      await sleep(delayMs, request.signal);
    }
  };
}
