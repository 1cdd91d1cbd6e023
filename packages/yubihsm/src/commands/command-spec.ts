import type { CommandName } from '../protocol/command-code.js';
import { YubiHsmProtocolError } from '../protocol/errors.js';

/**
 * One device command: its code and the four codecs (request and response, both directions), so the host driver and
 * the simulator share a single definition. Payloads exclude the 3-byte frame header. Encoders take friendly inputs
 * (names, lists); decoders return normalised values (numbers, masks) that the encoders also accept.
 */
export interface CommandSpec<Req, Res, DecodedReq = Req, DecodedRes = Res> {
  readonly code: number;
  readonly name: CommandName;
  /** Safe to repeat when the first attempt's outcome is unknown (reads, signatures). */
  readonly idempotent: boolean;
  encodeRequest(req: Req): Uint8Array;
  decodeRequest(payload: Uint8Array): DecodedReq;
  encodeResponse(res: Res): Uint8Array;
  decodeResponse(payload: Uint8Array): DecodedRes;
}

export const EMPTY: Uint8Array = new Uint8Array(0);

/** Throws `malformed_frame` unless the payload is empty. */
export function expectEmpty(payload: Uint8Array, what: string): void {
  if (payload.length !== 0) throw new YubiHsmProtocolError('malformed_frame', `${what}: expected an empty payload`);
}

/** Spec for a command whose request and response payloads are both empty. */
export function emptyCommand(code: number, name: CommandName, idempotent: boolean): CommandSpec<void, void> {
  return {
    code,
    name,
    idempotent,
    encodeRequest: () => EMPTY,
    decodeRequest: (p) => expectEmpty(p, `${name} request`),
    encodeResponse: () => EMPTY,
    decodeResponse: (p) => expectEmpty(p, `${name} response`),
  };
}

/** Checks an object id (0 allowed only where the device may pick). */
export function checkObjectId(id: number, allowZero = false): number {
  if (!Number.isInteger(id) || id < (allowZero ? 0 : 1) || id > 0xffff) {
    throw new YubiHsmProtocolError('invalid_argument', `invalid object id ${String(id)}`);
  }
  return id;
}
