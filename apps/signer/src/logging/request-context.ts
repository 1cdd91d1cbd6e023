import { AsyncLocalStorage } from 'node:async_hooks';

/** The request being handled, for log lines written anywhere below the HTTP layer (the logger's mixin reads it). */
const current = new AsyncLocalStorage<{ readonly requestId: string }>();

/** Runs `fn` (and everything it starts) as part of the request `requestId`. */
export function runInRequest<T>(requestId: string, fn: () => T): T {
  return current.run({ requestId }, fn);
}

/** The id of the request whose handling is running now, if any. */
export function currentRequestId(): string | undefined {
  return current.getStore()?.requestId;
}
