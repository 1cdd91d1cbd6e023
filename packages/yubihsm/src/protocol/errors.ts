import { DEVICE_ERROR_NAMES, type DeviceErrorName } from './device-error-code.js';

/** An error code reported by the device in a `0x7f` error frame (in the clear or inside a session envelope). */
export class YubiHsmDeviceError extends Error {
  /** The raw one-byte device error code. */
  readonly code: number;
  /** The code's name, e.g. `OBJECT_NOT_FOUND` (or `UNKNOWN_0xNN`). */
  readonly codeName: DeviceErrorName | `UNKNOWN_0x${string}`;
  /** The command that failed, when known (e.g. `sign-eddsa`). */
  readonly command: string | undefined;
  /** True when the error came back outside the session envelope (session-level failure). */
  readonly outer: boolean;

  constructor(code: number, options: { command?: string; outer?: boolean } = {}) {
    const name = DEVICE_ERROR_NAMES[code] ?? (`UNKNOWN_0x${code.toString(16).padStart(2, '0')}` as const);
    super(`YubiHSM2 device error ${name}${options.command ? ` in ${options.command}` : ''}`);
    this.name = 'YubiHsmDeviceError';
    this.code = code;
    this.codeName = name;
    this.command = options.command;
    this.outer = options.outer ?? false;
  }
}

/** Why a frame or session message was rejected by this side (not by the device). */
export type ProtocolFailure =
  | 'malformed_frame'
  | 'unexpected_response'
  | 'bad_mac'
  | 'bad_cryptogram'
  | 'session_mismatch'
  | 'bad_padding'
  | 'invalid_argument'
  /** The command does not fit the device's frame buffer; nothing was sent. */
  | 'frame_too_large'
  | 'session_closed'
  | 'counter_exhausted'
  | 'signature_invalid';

/** A local protocol violation: malformed frame, MAC mismatch, wrong session id, bad argument, … */
export class YubiHsmProtocolError extends Error {
  readonly reason: ProtocolFailure;
  constructor(reason: ProtocolFailure, message: string) {
    super(message);
    this.name = 'YubiHsmProtocolError';
    this.reason = reason;
  }
}

export function isYubiHsmDeviceError(err: unknown): err is YubiHsmDeviceError {
  return err instanceof YubiHsmDeviceError;
}

export function isYubiHsmProtocolError(err: unknown): err is YubiHsmProtocolError {
  return err instanceof YubiHsmProtocolError;
}
