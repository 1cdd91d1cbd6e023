import { isOpenKmsError, openKmsError, type ErrorCode, type OpenKmsError } from '@openkms/core';
import { toOpenKmsError } from '../backend/error-mapping.js';
import { DeviceErrorCode } from '../protocol/device-error-code.js';
import { YubiHsmDeviceError } from '../protocol/errors.js';
import { YubiHsmSessionError } from '../session/session-error.js';
import { YubiHsmTransportError } from '../transport/transport-error.js';

/**
 * Why a ceremony step failed, in `context.reason` of the OpenKmsError it throws (the CLI maps reasons to exit codes).
 * - `no_device`: the connector or device does not answer;
 * - `authentication_failed`: an auth key did not accept the password (wrong password file or auth key id);
 * - `wrong_mnemonic`: the device's auth keys (or wrap key) were not derived from this mnemonic and passphrase;
 * - `object_exists`: an object with that id and type is already on the device;
 * - `device_not_empty`: the device holds signing keys and the step would erase or change it (needs --force);
 * - `backup_invalid`: a backup file is malformed, of an unknown version, or its checksum does not match;
 * - `public_key_mismatch`: a restored key's public key is not the one the backup recorded.
 */
export type CeremonyFailure =
  'no_device' | 'authentication_failed' | 'wrong_mnemonic' | 'object_exists' | 'device_not_empty' | 'backup_invalid' | 'public_key_mismatch';

const CODES: Record<CeremonyFailure, ErrorCode> = {
  no_device: 'backend_unavailable',
  authentication_failed: 'backend_error',
  wrong_mnemonic: 'backend_error',
  object_exists: 'conflict',
  device_not_empty: 'conflict',
  backup_invalid: 'invalid_request',
  public_key_mismatch: 'signature_verification_failed',
};

/** An OpenKmsError for a ceremony failure (never carries a secret). */
export function ceremonyError(
  reason: CeremonyFailure,
  message: string,
  context: Record<string, string | number | boolean | undefined> = {},
  cause?: unknown,
): OpenKmsError {
  return openKmsError(CODES[reason], message, { ...context, reason }, cause);
}

/** The ceremony failure of an OpenKmsError, if it is one. */
export function ceremonyFailureOf(err: unknown): CeremonyFailure | undefined {
  if (!isOpenKmsError(err)) return undefined;
  const reason = err.context.reason;
  return typeof reason === 'string' && reason in CODES ? (reason as CeremonyFailure) : undefined;
}

/** True when opening a session failed because the auth key did not accept the credential (not a device fault). */
export function isWrongCredential(err: unknown): boolean {
  return err instanceof YubiHsmSessionError && (err.reason === 'card_cryptogram_mismatch' || err.reason === 'authentication_failed');
}

/** True when the device says the object (e.g. the auth key asked for) does not exist. */
export function isObjectNotFound(err: unknown): boolean {
  return err instanceof YubiHsmDeviceError && err.code === DeviceErrorCode.OBJECT_NOT_FOUND;
}

/**
 * A driver error of a ceremony step → an OpenKmsError with a ceremony reason where one applies: connector down →
 * `no_device`, OBJECT_EXISTS → `object_exists`, a rejected credential → `authentication_failed`.
 */
export function toCeremonyError(err: unknown, step: string, context: Record<string, string | number | boolean | undefined> = {}): OpenKmsError {
  if (isOpenKmsError(err)) return err;
  if (err instanceof YubiHsmTransportError)
    return ceremonyError(
      'no_device',
      `no YubiHSM2 answers (${step}): ${err.reason === 'timeout' ? 'timed out' : 'connector unreachable or device absent'}`,
      { ...context, step, transport: err.reason },
      err,
    );
  if (err instanceof YubiHsmDeviceError && err.code === DeviceErrorCode.OBJECT_EXISTS)
    return ceremonyError(
      'object_exists',
      `${step}: an object with this id already exists on the device`,
      { ...context, step, device_error: err.codeName },
      err,
    );
  if (isWrongCredential(err))
    return ceremonyError(
      'authentication_failed',
      `${step}: the device rejected the password of auth key ${String(context.auth_key_id ?? '?')} (wrong password or auth key id)`,
      { ...context, step },
      err,
    );
  const mapped = toOpenKmsError(err, { ...context, step });
  return openKmsError(mapped.code, `${step}: ${mapped.message}`, mapped.context, err);
}
