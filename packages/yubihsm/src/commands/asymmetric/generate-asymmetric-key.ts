import { ByteReader } from '../../protocol/byte-reader.js';
import { ByteWriter } from '../../protocol/byte-writer.js';
import { CommandCode } from '../../protocol/command-code.js';
import type { CommandSpec } from '../command-spec.js';
import { decodeObjectIdResponse, encodeObjectIdResponse } from '../object/object-id-response.js';
import { readObjectParams, writeObjectParams, type ObjectIdResponse, type ObjectParams, type ObjectParamsInput } from '../object/object-params.js';

/** GenerateAsymmetricKey (0x46): id ‖ label ‖ domains ‖ caps ‖ alg → id. Needs generate-asymmetric-key. */
export const GenerateAsymmetricKey: CommandSpec<ObjectParamsInput, ObjectIdResponse, ObjectParams> = {
  code: CommandCode.generateAsymmetricKey,
  name: 'generateAsymmetricKey',
  idempotent: false,
  encodeRequest: (p) => writeObjectParams(new ByteWriter(), p).finish(),
  decodeRequest: (payload) => {
    const r = new ByteReader(payload, 'generateAsymmetricKey request');
    const params = readObjectParams(r);
    r.end();
    return params;
  },
  encodeResponse: encodeObjectIdResponse,
  decodeResponse: decodeObjectIdResponse,
};
