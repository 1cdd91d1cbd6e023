import { callSignal } from './call-signal.js';
import type { ConnectorStatus, Transport, TransportCallOptions } from './transport.js';
import { YubiHsmTransportError } from './transport-error.js';

export interface InProcessTransportOptions {
  readonly name?: string;
  /** Default per-call timeout (ms). Default 5000. */
  readonly timeoutMs?: number;
  /** Status callback; defaults to `status=OK`. */
  readonly status?: () => Promise<ConnectorStatus> | ConnectorStatus;
}

/**
 * A transport that hands each frame to a function in the same process (e.g. a simulator's `handleFrame`).
 * Calls still time out: a handler that never answers yields a `timeout` error rather than a hung request.
 */
export function createInProcessTransport(handler: (frame: Uint8Array) => Promise<Uint8Array> | Uint8Array, options: InProcessTransportOptions = {}): Transport {
  const defaultTimeout = options.timeoutMs ?? 5000;
  const withTimeout = async <T>(fn: () => Promise<T> | T, opts: TransportCallOptions | undefined): Promise<T> => {
    const call = callSignal(opts?.timeoutMs ?? defaultTimeout, opts?.signal);
    try {
      if (call.signal.aborted) throw call.failure();
      return await new Promise<T>((resolve, reject) => {
        call.signal.addEventListener('abort', () => reject(call.failure()), { once: true });
        Promise.resolve()
          .then(fn)
          .then(resolve, (err: unknown) =>
            reject(err instanceof YubiHsmTransportError ? err : new YubiHsmTransportError('unavailable', 'in-process device failed', { cause: err })),
          );
      });
    } finally {
      call.dispose();
    }
  };
  return {
    name: options.name ?? 'in-process',
    send: (frame, opts) => withTimeout(() => handler(frame.slice()), opts),
    status: (opts) => withTimeout(() => (options.status ? options.status() : { ok: true, status: 'OK', fields: { status: 'OK' } }), opts),
  };
}
