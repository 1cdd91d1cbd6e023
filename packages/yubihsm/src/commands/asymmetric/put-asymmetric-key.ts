import { ByteReader } from '../../protocol/byte-reader.js';
import { ByteWriter } from '../../protocol/byte-writer.js';
import { CommandCode } from '../../protocol/command-code.js';
import type { CommandSpec } from '../command-spec.js';
import { decodeObjectIdResponse, encodeObjectIdResponse } from '../object/object-id-response.js';
import { readObjectParams, writeObjectParams, type ObjectIdResponse, type ObjectParams, type ObjectParamsInput } from '../object/object-params.js';

export interface PutAsymmetricKeyRequest extends ObjectParamsInput {
  /** EC: private scalar d (big-endian, curve size). Ed25519: the 32-byte seed. RSA: p ‖ q. */
  readonly key: Uint8Array;
}

/** PutAsymmetricKey (0x45): object header ‖ key material → id. Needs put-asymmetric-key. */
export const PutAsymmetricKey: CommandSpec<PutAsymmetricKeyRequest, ObjectIdResponse, ObjectParams & { key: Uint8Array }> = {
  code: CommandCode.putAsymmetricKey,
  name: 'putAsymmetricKey',
  idempotent: false,
  encodeRequest: (p) => writeObjectParams(new ByteWriter(), p).bytes(p.key).finish(),
  decodeRequest: (payload) => {
    const r = new ByteReader(payload, 'putAsymmetricKey request');
    const params = readObjectParams(r);
    return { ...params, key: r.rest() };
  },
  encodeResponse: encodeObjectIdResponse,
  decodeResponse: decodeObjectIdResponse,
};
