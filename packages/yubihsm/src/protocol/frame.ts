import { CommandCode, commandName, responseCode } from './command-code.js';
import { YubiHsmDeviceError, YubiHsmProtocolError } from './errors.js';
import { MAX_FRAME_SIZE, MAX_FRAME_SIZE_LEGACY } from './limits.js';

/** A decoded frame: command (or response) code and its payload. */
export interface Frame {
  readonly cmd: number;
  readonly payload: Uint8Array;
}

/** `cmd ‖ len(2, BE) ‖ payload`. */
export function encodeFrame(cmd: number, payload: Uint8Array = new Uint8Array(0)): Uint8Array {
  if (!Number.isInteger(cmd) || cmd < 0 || cmd > 0xff) throw new YubiHsmProtocolError('invalid_argument', 'command code out of range');
  if (payload.length > 0xffff) throw new YubiHsmProtocolError('invalid_argument', 'payload too long for a frame');
  const out = new Uint8Array(3 + payload.length);
  out[0] = cmd;
  out[1] = payload.length >> 8;
  out[2] = payload.length & 0xff;
  out.set(payload, 3);
  return out;
}

/** Parses one frame and checks that the length field equals the body length. */
export function decodeFrame(bytes: Uint8Array): Frame {
  if (bytes.length < 3) throw new YubiHsmProtocolError('malformed_frame', 'frame shorter than its 3-byte header');
  const len = (bytes[1]! << 8) | bytes[2]!;
  if (len !== bytes.length - 3) throw new YubiHsmProtocolError('malformed_frame', `frame length field ${len} does not match body length ${bytes.length - 3}`);
  return { cmd: bytes[0]!, payload: bytes.slice(3) };
}

/** `7f 0001 code`. */
export function encodeErrorFrame(code: number): Uint8Array {
  return encodeFrame(CommandCode.error, Uint8Array.of(code & 0xff));
}

/** The device error code when `frame` is a well-formed error frame, else undefined. */
export function errorFrameCode(frame: Frame): number | undefined {
  return frame.cmd === CommandCode.error && frame.payload.length === 1 ? frame.payload[0] : undefined;
}

/** The device's frame limit for a firmware version: 3136 bytes from 2.4 on, 2048 before. */
export function maxFrameSizeFor(version: { readonly major: number; readonly minor: number }): number {
  return version.major > 2 || (version.major === 2 && version.minor >= 4) ? MAX_FRAME_SIZE : MAX_FRAME_SIZE_LEGACY;
}

/**
 * Length of the SessionMessage frame that carries an inner command with a `payloadLength`-byte payload:
 * header(3) ‖ session id(1) ‖ AES-CBC(ISO-padded inner frame) ‖ MAC(8); the inner frame is 3 + payloadLength bytes
 * and padding always adds 1–16 bytes.
 */
export function sessionFrameLength(payloadLength: number): number {
  const inner = 3 + payloadLength;
  return 3 + 1 + (Math.floor(inner / 16) + 1) * 16 + 8;
}

/** Largest inner payload whose SessionMessage frame fits `limit`. */
export function maxSessionPayloadLength(limit = MAX_FRAME_SIZE): number {
  // the padded block count is floor(inner / 16) + 1 ≤ floor((limit - 12) / 16)
  return Math.floor((limit - 12) / 16) * 16 - 1 - 3;
}

/** Does `frame` fit the device buffer? */
export function fitsFrameLimit(frameLength: number, limit = MAX_FRAME_SIZE): boolean {
  return frameLength <= limit;
}

/**
 * Checks a response frame for command `cmd`: returns its payload, throws YubiHsmDeviceError for an error frame
 * and YubiHsmProtocolError for anything else unexpected.
 */
export function expectResponse(cmd: number, bytes: Uint8Array | Frame, options: { outer?: boolean } = {}): Uint8Array {
  const frame = bytes instanceof Uint8Array ? decodeFrame(bytes) : bytes;
  const err = errorFrameCode(frame);
  if (err !== undefined) throw new YubiHsmDeviceError(err, { command: commandName(cmd), outer: options.outer ?? false });
  if (frame.cmd === CommandCode.error) throw new YubiHsmProtocolError('malformed_frame', 'malformed error frame');
  if (frame.cmd !== responseCode(cmd)) {
    throw new YubiHsmProtocolError(
      'unexpected_response',
      `expected response 0x${responseCode(cmd).toString(16)} for ${commandName(cmd)}, got 0x${frame.cmd.toString(16)}`,
    );
  }
  return frame.payload;
}
