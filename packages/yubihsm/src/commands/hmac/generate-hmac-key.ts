import { ByteReader } from '../../protocol/byte-reader.js';
import { ByteWriter } from '../../protocol/byte-writer.js';
import { CommandCode } from '../../protocol/command-code.js';
import type { CommandSpec } from '../command-spec.js';
import { decodeObjectIdResponse, encodeObjectIdResponse } from '../object/object-id-response.js';
import { readObjectParams, writeObjectParams, type ObjectIdResponse, type ObjectParams, type ObjectParamsInput } from '../object/object-params.js';

/** GenerateHmacKey (0x5a): object header (alg hmac-sha1/256/384/512) → id. Needs generate-hmac-key. */
export const GenerateHmacKey: CommandSpec<ObjectParamsInput, ObjectIdResponse, ObjectParams> = {
  code: CommandCode.generateHmacKey,
  name: 'generateHmacKey',
  idempotent: false,
  encodeRequest: (p) => writeObjectParams(new ByteWriter(), p).finish(),
  decodeRequest: (payload) => {
    const r = new ByteReader(payload, 'generateHmacKey request');
    const params = readObjectParams(r);
    r.end();
    return params;
  },
  encodeResponse: encodeObjectIdResponse,
  decodeResponse: decodeObjectIdResponse,
};
