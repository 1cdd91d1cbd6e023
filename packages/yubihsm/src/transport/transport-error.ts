/** Why a transport call failed. */
export type TransportFailure =
  /** No answer within the call's timeout. */
  | 'timeout'
  /** The caller aborted the call. */
  | 'aborted'
  /** Connection refused/reset, connector reports no device, or a 5xx (USB/device failure). */
  | 'unavailable'
  /** Any other non-200 HTTP status. */
  | 'http_error'
  /** A response that is not a frame (empty, too large). */
  | 'bad_response';

export class YubiHsmTransportError extends Error {
  readonly reason: TransportFailure;
  readonly httpStatus: number | undefined;
  constructor(reason: TransportFailure, message: string, options: { httpStatus?: number; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'YubiHsmTransportError';
    this.reason = reason;
    this.httpStatus = options.httpStatus;
  }
}

export function isYubiHsmTransportError(err: unknown): err is YubiHsmTransportError {
  return err instanceof YubiHsmTransportError;
}
