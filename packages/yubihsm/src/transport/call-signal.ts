import { YubiHsmTransportError } from './transport-error.js';

/**
 * Combines a timeout with an optional caller signal. `signal` aborts on either; `failure()` tells which fired, as a
 * YubiHsmTransportError. Call `dispose()` when done so no timer outlives the call.
 */
export function callSignal(timeoutMs: number, outer?: AbortSignal): { signal: AbortSignal; failure(): YubiHsmTransportError; dispose(): void } {
  const ctl = new AbortController();
  let timedOut = false;
  const timer = setTimeout(
    () => {
      timedOut = true;
      ctl.abort();
    },
    Math.max(0, timeoutMs),
  );
  const onAbort = (): void => ctl.abort();
  if (outer) {
    if (outer.aborted) ctl.abort();
    else outer.addEventListener('abort', onAbort, { once: true });
  }
  return {
    signal: ctl.signal,
    failure: () => (timedOut ? new YubiHsmTransportError('timeout', `no answer within ${timeoutMs} ms`) : new YubiHsmTransportError('aborted', 'call aborted')),
    dispose: () => {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onAbort);
    },
  };
}
