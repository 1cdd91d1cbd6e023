import { isOpenKmsError, openKmsError, type OpenKmsError } from '@openkms/core';
import { DeviceErrorCode } from '../protocol/device-error-code.js';
import { YubiHsmDeviceError, YubiHsmProtocolError } from '../protocol/errors.js';
import { YubiHsmPoolError } from '../pool/yubihsm-pool.js';
import { YubiHsmSessionError } from '../session/session-error.js';
import { YubiHsmTransportError } from '../transport/transport-error.js';

/** True for failures that say "this device cannot serve now" (another device may). */
export function isAvailabilityError(err: unknown): boolean {
  if (err instanceof YubiHsmTransportError || err instanceof YubiHsmPoolError) return true;
  if (err instanceof YubiHsmSessionError) return err.reason !== 'card_cryptogram_mismatch' && err.reason !== 'handshake_failed';
  if (err instanceof YubiHsmDeviceError) return err.outer && err.code === DeviceErrorCode.SESSIONS_FULL;
  return false;
}

/** Driver error → OpenKmsError with a stable code and secret-free context. */
export function toOpenKmsError(err: unknown, context: Record<string, string | number | boolean | undefined> = {}): OpenKmsError {
  if (isOpenKmsError(err)) return err;
  if (err instanceof YubiHsmDeviceError) {
    if (err.code === DeviceErrorCode.OBJECT_NOT_FOUND)
      return openKmsError('key_not_found', 'key not found on the YubiHSM2', { ...context, device_error: err.codeName }, err);
    if (err.code === DeviceErrorCode.SESSIONS_FULL)
      return openKmsError('backend_unavailable', 'YubiHSM2 sessions exhausted', { ...context, device_error: err.codeName }, err);
    return openKmsError('backend_error', `YubiHSM2 device error ${err.codeName}`, { ...context, device_error: err.codeName, command: err.command }, err);
  }
  if (err instanceof YubiHsmTransportError) {
    if (err.reason === 'timeout') return openKmsError('backend_timeout', 'YubiHSM2 did not answer in time', context, err);
    return openKmsError(
      'backend_unavailable',
      'YubiHSM2 connector or device unavailable',
      { ...context, reason: err.reason, http_status: err.httpStatus },
      err,
    );
  }
  if (err instanceof YubiHsmPoolError)
    return openKmsError(
      'backend_unavailable',
      err.reason === 'closed'
        ? 'YubiHSM2 backend is closed'
        : err.reason === 'simulated_not_allowed'
          ? 'the YubiHSM2 is the openKMS SIMULATOR and simulated devices are not allowed'
          : 'YubiHSM2 device is down',
      { ...context, reason: err.reason },
      err,
    );
  if (err instanceof YubiHsmSessionError) {
    if (err.reason === 'card_cryptogram_mismatch' || err.reason === 'handshake_failed') {
      return openKmsError(
        'backend_error',
        'YubiHSM2 authentication failed (check the auth key id and password)',
        { ...context, reason: err.reason, device_error: err.deviceError },
        err,
      );
    }
    return openKmsError('backend_unavailable', 'YubiHSM2 session failed', { ...context, reason: err.reason, device_error: err.deviceError }, err);
  }
  if (err instanceof YubiHsmProtocolError && err.reason === 'frame_too_large')
    return openKmsError('invalid_request', 'request too large for a YubiHSM2 frame', { ...context, reason: err.reason }, err);
  if (err instanceof YubiHsmProtocolError) return openKmsError('backend_error', 'YubiHSM2 protocol error', { ...context, reason: err.reason }, err);
  return openKmsError('backend_error', 'YubiHSM2 driver failure', context, err);
}
