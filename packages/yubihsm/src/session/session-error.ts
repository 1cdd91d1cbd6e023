/** Why an authenticated session cannot carry a command (the command was not run, or its outcome is unknown). */
export type SessionFailure =
  /** Idle longer than the device's timeout (detected locally, ~1 s early). */
  | 'expired'
  /** Closed locally (CloseSession, a previous fatal error). */
  | 'closed'
  /** The device answered INVALID_SESSION outside the envelope. */
  | 'invalid_session'
  /** The device answered AUTHENTICATION_FAILED outside the envelope (bad C-MAC, lost chain). */
  | 'authentication_failed'
  /** The device rejected the envelope with another error code. */
  | 'rejected'
  /** The response's R-MAC, session id or padding did not verify: the response is not trusted. */
  | 'bad_response_mac'
  /** CreateSession: the card cryptogram (asymmetric session: the receipt) did not match (wrong password/key, or not the device we think). */
  | 'card_cryptogram_mismatch'
  /** AuthenticateSession was not acknowledged with an empty 0x84 response. */
  | 'handshake_failed';

/** A session-level failure: the session is unusable; open a fresh one (the pool does this transparently). */
export class YubiHsmSessionError extends Error {
  readonly reason: SessionFailure;
  /** Device error name for invalid_session / authentication_failed / rejected. */
  readonly deviceError: string | undefined;
  /** True when the device certainly did not run the command (safe to retry anything). */
  readonly notExecuted: boolean;
  constructor(reason: SessionFailure, message: string, options: { deviceError?: string; notExecuted: boolean; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'YubiHsmSessionError';
    this.reason = reason;
    this.deviceError = options.deviceError;
    this.notExecuted = options.notExecuted;
  }
}

export function isYubiHsmSessionError(err: unknown): err is YubiHsmSessionError {
  return err instanceof YubiHsmSessionError;
}
