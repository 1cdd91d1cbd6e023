import { openKmsError, type KeyBackendContext, type OpenKmsError } from '@openkms/core';
import { withRetry } from './retry.js';

/** How a cloud backend talks to its service: one deadline per operation, our retries, our events, fail-closed errors. */
export interface ServiceCallerOptions {
  /** The service's name in error messages ("AWS KMS", "Azure Key Vault"). */
  readonly service: string;
  readonly context: KeyBackendContext;
  /** Default deadline of one operation, retries included. */
  readonly timeoutMs: number;
  /** Attempts in all (first try included). */
  readonly maxAttempts: number;
  /** First backoff delay (doubles per retry up to 2 s, full jitter). */
  readonly baseDelayMs: number;
  /** Whether a failed attempt is worth another (throttling, 5xx, network faults), with the service's Retry-After if any. */
  readonly retryable: (err: unknown) => { readonly retry: boolean; readonly afterMs?: number };
  /** A stable label of a failure for metrics (the service's error name or status): never a message. */
  readonly errorLabel: (err: unknown) => string;
  /** The fail-closed mapping of a service error to our codes; `base` is the context every error carries. */
  readonly toOpenKmsError: (err: unknown, base: Readonly<Record<string, string>>) => OpenKmsError;
}

export interface ServiceCaller {
  /** Runs one operation under one deadline (`deadlineMs`, default the caller's), retried as the options say. */
  call<T>(operation: string, send: (abortSignal: AbortSignal) => Promise<T>, ctx?: Readonly<Record<string, string>>, deadlineMs?: number): Promise<T>;
  /** Records reachability (an `up` / `down` event when it changes). */
  setUp(value: boolean): void;
  /** After this every call fails with backend_unavailable. */
  close(): void;
  readonly closed: boolean;
}

export function createServiceCaller(opts: ServiceCallerOptions): ServiceCaller {
  const { context } = opts;
  let closed = false;
  let up: boolean | undefined;
  const setUp = (value: boolean): void => {
    if (up === value) return;
    up = value;
    context.onEvent?.({ type: value ? 'up' : 'down' });
  };
  return {
    setUp,
    close() {
      closed = true;
    },
    get closed() {
      return closed;
    },
    async call<T>(
      operation: string,
      send: (abortSignal: AbortSignal) => Promise<T>,
      ctx: Readonly<Record<string, string>> = {},
      deadlineMs = opts.timeoutMs,
    ): Promise<T> {
      if (closed) throw openKmsError('backend_unavailable', `${opts.service} backend is closed`, { backend: context.name });
      const deadline = new AbortController();
      const timer = setTimeout(() => deadline.abort(), deadlineMs);
      try {
        return await withRetry(
          async () => {
            const started = performance.now();
            try {
              const value = await send(deadline.signal);
              context.onEvent?.({ type: 'command', operation, durationMs: performance.now() - started, ok: true });
              setUp(true);
              return value;
            } catch (err) {
              const error = deadline.signal.aborted ? 'timeout' : opts.errorLabel(err);
              context.onEvent?.({ type: 'command', operation, durationMs: performance.now() - started, ok: false, error });
              throw err;
            }
          },
          { maxAttempts: opts.maxAttempts, baseDelayMs: opts.baseDelayMs, maxDelayMs: 2000 },
          (err) => (deadline.signal.aborted ? { retry: false } : opts.retryable(err)),
          (err) => context.onEvent?.({ type: 'retry', operation, error: opts.errorLabel(err) }),
        );
      } catch (err) {
        const base = { backend: context.name, operation, ...ctx };
        if (deadline.signal.aborted) {
          setUp(false);
          throw openKmsError('backend_timeout', `${opts.service} did not answer in time`, { ...base, timeout_ms: deadlineMs });
        }
        const mapped = opts.toOpenKmsError(err, base);
        if (mapped.code === 'backend_unavailable') setUp(false);
        throw mapped;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
