import { ErrorCode, isOpenKmsError, openKmsError, type OpenKmsError } from '@openkms/core';

/** Return values after which the connection to the token is rebuilt (the token, the session or the login is gone). */
const UNAVAILABLE = new Set([
  'CKR_DEVICE_ERROR',
  'CKR_DEVICE_REMOVED',
  'CKR_DEVICE_MEMORY',
  'CKR_TOKEN_NOT_PRESENT',
  'CKR_TOKEN_NOT_RECOGNIZED',
  'CKR_SESSION_HANDLE_INVALID',
  'CKR_SESSION_CLOSED',
  'CKR_SESSION_COUNT',
  'CKR_CRYPTOKI_NOT_INITIALIZED',
  'CKR_USER_NOT_LOGGED_IN',
  'CKR_PIN_INCORRECT',
  'CKR_PIN_INVALID',
  'CKR_PIN_LEN_RANGE',
  'CKR_PIN_EXPIRED',
  'CKR_PIN_LOCKED',
  'CKR_GENERAL_ERROR',
  'CKR_FUNCTION_FAILED',
  'CKR_HOST_MEMORY',
]);
const KEY_GONE = new Set(['CKR_KEY_HANDLE_INVALID', 'CKR_OBJECT_HANDLE_INVALID']);

/** The CKR_* name of a pkcs11js error (its message is the return value's name), or "native" for a loader error. */
export function ckrName(err: unknown): string {
  const m = /^(CKR_[A-Z_]+)/.exec(String((err as Error)?.message ?? ''));
  return m ? m[1]! : 'native';
}

/** True when the error means the session, login or token is gone: the pool is rebuilt before the next call. */
export function isConnectionLost(err: unknown): boolean {
  return UNAVAILABLE.has(ckrName(err)) || ckrName(err) === 'native';
}

/**
 * Fail-closed mapping of a PKCS#11 fault to openKMS codes: token/session/login faults → backend_unavailable, a stale
 * object handle → key_not_found, anything else → backend_error. The context carries only the CKR_* name and the
 * operation (never the PIN, which no pkcs11js message contains anyway).
 */
export function toOpenKmsError(err: unknown, operation: string): OpenKmsError {
  if (isOpenKmsError(err)) return err;
  const ckr = ckrName(err);
  if (KEY_GONE.has(ckr)) return openKmsError(ErrorCode.keyNotFound, `PKCS#11 ${operation}: the key object is gone (${ckr})`, { operation, pkcs11: ckr });
  if (UNAVAILABLE.has(ckr) || ckr === 'native')
    return openKmsError(ErrorCode.backendUnavailable, `PKCS#11 ${operation}: the token is not available (${ckr})`, {
      operation,
      pkcs11: ckr,
      retry_after_secs: 1,
    });
  return openKmsError(ErrorCode.backendError, `PKCS#11 ${operation} failed (${ckr})`, { operation, pkcs11: ckr });
}
