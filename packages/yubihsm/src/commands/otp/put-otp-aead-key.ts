import { ByteReader } from '../../protocol/byte-reader.js';
import { ByteWriter } from '../../protocol/byte-writer.js';
import { CommandCode } from '../../protocol/command-code.js';
import type { CommandSpec } from '../command-spec.js';
import { decodeObjectIdResponse, encodeObjectIdResponse } from '../object/object-id-response.js';
import type { ObjectIdResponse } from '../object/object-params.js';
import { readOtpAeadKeyParams, writeOtpAeadKeyParams, type OtpAeadKeyParams, type OtpAeadKeyParamsInput } from './otp-aead-key-params.js';

export interface PutOtpAeadKeyRequest extends OtpAeadKeyParamsInput {
  /** The AES key: 16, 24 or 32 bytes for aes128/192/256-yubico-otp. */
  readonly key: Uint8Array;
}

/** PutOtpAeadKey (0x65): object header (alg aes128/192/256-yubico-otp) ‖ nonce id(4) ‖ key → id. Needs put-otp-aead-key. */
export const PutOtpAeadKey: CommandSpec<PutOtpAeadKeyRequest, ObjectIdResponse, OtpAeadKeyParams & { key: Uint8Array }> = {
  code: CommandCode.putOtpAeadKey,
  name: 'putOtpAeadKey',
  idempotent: false,
  encodeRequest: (p) => writeOtpAeadKeyParams(new ByteWriter(), p).bytes(p.key).finish(),
  decodeRequest: (payload) => {
    const r = new ByteReader(payload, 'putOtpAeadKey request');
    const params = readOtpAeadKeyParams(r);
    return { ...params, key: r.rest() };
  },
  encodeResponse: encodeObjectIdResponse,
  decodeResponse: decodeObjectIdResponse,
};
