import { ByteReader } from '../../protocol/byte-reader.js';
import { ByteWriter } from '../../protocol/byte-writer.js';
import { CommandCode } from '../../protocol/command-code.js';
import type { CommandSpec } from '../command-spec.js';
import { decodeObjectIdResponse, encodeObjectIdResponse } from '../object/object-id-response.js';
import { readObjectParams, writeObjectParams, type ObjectIdResponse, type ObjectParams, type ObjectParamsInput } from '../object/object-params.js';

export interface PutHmacKeyRequest extends ObjectParamsInput {
  /** The HMAC key (at most the hash's block size: 64 bytes for hmac-sha1/256, 128 for hmac-sha384/512). */
  readonly key: Uint8Array;
}

/** PutHmacKey (0x52): object header (alg hmac-sha1/256/384/512) ‖ key → id. Needs put-mac-key. */
export const PutHmacKey: CommandSpec<PutHmacKeyRequest, ObjectIdResponse, ObjectParams & { key: Uint8Array }> = {
  code: CommandCode.putHmacKey,
  name: 'putHmacKey',
  idempotent: false,
  encodeRequest: (p) => writeObjectParams(new ByteWriter(), p).bytes(p.key).finish(),
  decodeRequest: (payload) => {
    const r = new ByteReader(payload, 'putHmacKey request');
    const params = readObjectParams(r);
    return { ...params, key: r.rest() };
  },
  encodeResponse: encodeObjectIdResponse,
  decodeResponse: decodeObjectIdResponse,
};
