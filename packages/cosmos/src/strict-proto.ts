import { ErrorCode, bytesEqual, openKmsError } from '@openkms/core';

/** The part of a cosmjs-types (ts-proto) codec this module needs. */
export interface ProtoCodec<T> {
  decode(input: Uint8Array): T;
  encode(message: T): { finish(): Uint8Array };
}

/**
 * Decodes protobuf bytes and accepts them only if re-encoding gives back exactly the same bytes.
 *
 * ts-proto decoders silently skip unknown fields and tolerate some malformed input; the round trip turns both
 * into a failure: unknown fields (which the chain might act on but we could not show to policy), non-canonical
 * encodings, wrong wire types, invalid UTF-8 and fields overrunning a nested message all fail closed.
 */
export function decodeStrict<T>(codec: ProtoCodec<T>, bytes: Uint8Array, what: string, field = 'sign_doc_b64'): T {
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
