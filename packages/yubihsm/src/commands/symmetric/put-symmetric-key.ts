import { ByteReader } from '../../protocol/byte-reader.js';
import { ByteWriter } from '../../protocol/byte-writer.js';
import { CommandCode } from '../../protocol/command-code.js';
import type { CommandSpec } from '../command-spec.js';
import { decodeObjectIdResponse, encodeObjectIdResponse } from '../object/object-id-response.js';
import { readObjectParams, writeObjectParams, type ObjectIdResponse, type ObjectParams, type ObjectParamsInput } from '../object/object-params.js';

export interface PutSymmetricKeyRequest extends ObjectParamsInput {
  /** The AES key: 16, 24 or 32 bytes for aes128, aes192, aes256. */
  readonly key: Uint8Array;
}

/** PutSymmetricKey (0x6d, firmware ≥ 2.3): object header (alg aes128/192/256) ‖ key → id. Needs put-symmetric-key. */
export const PutSymmetricKey: CommandSpec<PutSymmetricKeyRequest, ObjectIdResponse, ObjectParams & { key: Uint8Array }> = {
  code: CommandCode.putSymmetricKey,
  name: 'putSymmetricKey',
  idempotent: false,
  encodeRequest: (p) => writeObjectParams(new ByteWriter(), p).bytes(p.key).finish(),
  decodeRequest: (payload) => {
    const r = new ByteReader(payload, 'putSymmetricKey request');
    const params = readObjectParams(r);
    return { ...params, key: r.rest() };
  },
  encodeResponse: encodeObjectIdResponse,
  decodeResponse: decodeObjectIdResponse,
};

/** GenerateSymmetricKey (0x6e, firmware ≥ 2.3): object header (alg aes128/192/256) → id. Needs generate-symmetric-key. */
export const GenerateSymmetricKey: CommandSpec<ObjectParamsInput, ObjectIdResponse, ObjectParams> = {
  code: CommandCode.generateSymmetricKey,
  name: 'generateSymmetricKey',
  idempotent: false,
  encodeRequest: (p) => writeObjectParams(new ByteWriter(), p).finish(),
  decodeRequest: (payload) => {
    const r = new ByteReader(payload, 'generateSymmetricKey request');
    const params = readObjectParams(r);
    r.end();
    return params;
  },
  encodeResponse: encodeObjectIdResponse,
  decodeResponse: decodeObjectIdResponse,
};
