import { pino, type Logger, type DestinationStream } from 'pino';
import { currentRequestId } from './request-context.js';

/** Paths pino removes from every log line: headers and fields that could hold a secret. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'authorization',
  'token',
  '*.token',
  'password',
  '*.password',
  'secret',
  '*.secret',
  'mnemonic',
  '*.mnemonic',
  'key_material',
  '*.key_material',
];

export function createLogger(opts: { level?: string; destination?: DestinationStream | string } = {}): Logger {
  const options = {
    level: opts.level ?? 'info',
    base: { service: 'openkms' },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    // every line written while a request is handled carries its id, wherever in the code it is written
    mixin: () => {
      const requestId = currentRequestId();
      return requestId === undefined ? {} : { request_id: requestId };
    },
  };
  // stdout without a write(2) per line: sonic-boom coalesces the lines written while a write is in flight (at
  // concurrency, one syscall for many requests' lines); pino flushes it synchronously when the process exits
  if (opts.destination === undefined) return pino(options, pino.destination({ dest: 1, sync: false }));
  if (typeof opts.destination === 'string') return pino(options, pino.destination({ dest: opts.destination, mkdir: true, sync: false }));
  return pino(options, opts.destination);
}
