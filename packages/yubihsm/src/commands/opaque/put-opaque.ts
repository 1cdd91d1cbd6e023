import { ByteReader } from '../../protocol/byte-reader.js';
import { ByteWriter } from '../../protocol/byte-writer.js';
import { CommandCode } from '../../protocol/command-code.js';
import type { CommandSpec } from '../command-spec.js';
import { decodeObjectIdResponse, encodeObjectIdResponse } from '../object/object-id-response.js';
import { readObjectParams, writeObjectParams, type ObjectIdResponse, type ObjectParams, type ObjectParamsInput } from '../object/object-params.js';

export interface PutOpaqueRequest extends ObjectParamsInput {
  /** The object's bytes (algorithm opaque-data, or opaque-x509-certificate for a DER certificate). */
  readonly data: Uint8Array;
}

/** PutOpaque (0x42): object header ‖ data → id. Needs put-opaque. */
export const PutOpaque: CommandSpec<PutOpaqueRequest, ObjectIdResponse, ObjectParams & { data: Uint8Array }> = {
  code: CommandCode.putOpaque,
  name: 'putOpaque',
  idempotent: false,
  encodeRequest: (p) => writeObjectParams(new ByteWriter(), p).bytes(p.data).finish(),
  decodeRequest: (payload) => {
    const r = new ByteReader(payload, 'putOpaque request');
    const params = readObjectParams(r);
    return { ...params, data: r.rest() };
  },
  encodeResponse: encodeObjectIdResponse,
  decodeResponse: decodeObjectIdResponse,
};
