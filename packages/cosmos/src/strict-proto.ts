import { ErrorCode, bytesEqual, openKmsError } from '@openkms/core';

/** The part of a cosmjs-types (ts-proto) codec this module needs. */
export interface ProtoCodec<T> {
  decode(input: Uint8Array): T;
  encode(message: T): { finish(): Uint8Array };
}

/**
 * Deepest nesting of protobuf messages accepted (the outermost message is level 1). The ts-proto decoders recurse
 * once per level, so without a bound a deeply nested `ModeInfo.multi` (or any self-nesting message) ran until the
 * stack overflowed — accepted or refused depending on how warm the process was. A real sign doc needs well under
 * ten levels (SignDoc → TxBody → Any → MsgSend → Coin).
 */
export const MAX_PROTO_NESTING = 16;

/**
 * Refuses (`decode_failed`) bytes that nest deeper than MAX_PROTO_NESTING, before any recursive decoder sees them.
 * Schema-free and conservative: every non-empty length-delimited field whose content is itself well-formed
 * protobuf counts as a nested message (a string or bytes field can count too; never enough for a real transaction
 * to reach the limit). The walk is iterative per level and stops at the limit, so it costs O(size × limit).
 */
export function assertNestingWithin(bytes: Uint8Array, what: string, field = 'sign_doc_b64'): void {
  if (!wellFormed(bytes, 0, bytes.length)) return; // not protobuf at all: the decoder refuses it
  descend(bytes, 0, bytes.length, 1, what, field);
}

function descend(bytes: Uint8Array, start: number, end: number, depth: number, what: string, field: string): void {
  if (depth > MAX_PROTO_NESTING) {
    throw openKmsError(ErrorCode.decodeFailed, `${what} nests messages deeper than ${MAX_PROTO_NESTING} levels`, {
      field,
      part: what,
      max_depth: MAX_PROTO_NESTING,
    });
  }
  let pos = start;
  while (pos < end) {
    const tag = readVarint(bytes, pos, end)!;
    pos = tag.next;
    const wireType = tag.value % 8;
    if (wireType === 0) pos = readVarint(bytes, pos, end)!.next;
    else if (wireType === 1) pos += 8;
    else if (wireType === 5) pos += 4;
    else {
      const len = readVarint(bytes, pos, end)!;
      const from = len.next;
      const to = from + len.value;
      if (to > from && wellFormed(bytes, from, to)) descend(bytes, from, to, depth + 1, what, field);
      pos = to;
    }
  }
}

/** Whether bytes[start, end) is a flat sequence of valid fields (wire types 0, 1, 2, 5; field numbers ≥ 1). */
function wellFormed(bytes: Uint8Array, start: number, end: number): boolean {
  let pos = start;
  while (pos < end) {
    const tag = readVarint(bytes, pos, end);
    if (tag === undefined || tag.value < 8 || tag.value >= 2 ** 32) return false;
    pos = tag.next;
    const wireType = tag.value % 8;
    if (wireType === 0) {
      const v = readVarint(bytes, pos, end);
      if (v === undefined) return false;
      pos = v.next;
    } else if (wireType === 1) pos += 8;
    else if (wireType === 5) pos += 4;
    else if (wireType === 2) {
      const len = readVarint(bytes, pos, end);
      if (len === undefined) return false;
      pos = len.next + len.value;
    } else return false;
    if (pos > end) return false;
  }
  return true;
}

function readVarint(bytes: Uint8Array, pos: number, end: number): { value: number; next: number } | undefined {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 10; i++) {
    if (pos + i >= end) return undefined;
    const b = bytes[pos + i]!;
    value += (b & 0x7f) * scale;
    scale *= 128;
    if (b < 0x80) return { value, next: pos + i + 1 };
  }
  return undefined;
}

/**
 * Decodes protobuf bytes and accepts them only if re-encoding gives back exactly the same bytes.
 *
 * ts-proto decoders silently skip unknown fields and tolerate some malformed input; the round trip turns both
 * into a failure: unknown fields (which the chain might act on but we could not show to policy), non-canonical
 * encodings, wrong wire types, invalid UTF-8 and fields overrunning a nested message all fail closed. Nesting
 * deeper than MAX_PROTO_NESTING is refused before decoding.
 */
export function decodeStrict<T>(codec: ProtoCodec<T>, bytes: Uint8Array, what: string, field = 'sign_doc_b64'): T {
  assertNestingWithin(bytes, what, field);
  let message: T;
  let again: Uint8Array;
  try {
    message = codec.decode(bytes);
    again = codec.encode(message).finish();
  } catch (cause) {
    throw openKmsError(ErrorCode.decodeFailed, `${what} is not valid protobuf`, { field, part: what }, cause);
  }
  if (!bytesEqual(again, bytes)) {
    throw openKmsError(ErrorCode.decodeFailed, `${what} has unknown fields or a non-canonical encoding`, { field, part: what });
  }
  return message;
}
