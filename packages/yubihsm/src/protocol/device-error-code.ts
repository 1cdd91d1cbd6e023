import { namesByCode } from './code-table.js';
/** Device error codes as they appear on the wire in `7f 0001 code` frames. */
export const DeviceErrorCode = {
  OK: 0x00,
  INVALID_COMMAND: 0x01,
  INVALID_DATA: 0x02,
  INVALID_SESSION: 0x03,
  AUTHENTICATION_FAILED: 0x04,
  SESSIONS_FULL: 0x05,
  SESSION_FAILED: 0x06,
  STORAGE_FAILED: 0x07,
  WRONG_LENGTH: 0x08,
  INSUFFICIENT_PERMISSIONS: 0x09,
  LOG_FULL: 0x0a,
  OBJECT_NOT_FOUND: 0x0b,
  INVALID_ID: 0x0c,
  SSH_CA_CONSTRAINT_VIOLATION: 0x0e,
  INVALID_OTP: 0x0f,
  DEMO_MODE: 0x10,
  OBJECT_EXISTS: 0x11,
  ALGORITHM_DISABLED: 0x12,
  COMMAND_UNEXECUTED: 0xff,
} as const;

export type DeviceErrorName = keyof typeof DeviceErrorCode;

/** Code → name. */
export const DEVICE_ERROR_NAMES: Readonly<Record<number, DeviceErrorName>> = namesByCode(DeviceErrorCode);

export function deviceErrorName(code: number): string {
  return DEVICE_ERROR_NAMES[code] ?? `UNKNOWN_0x${code.toString(16).padStart(2, '0')}`;
}
