import { ByteReader } from '../../protocol/byte-reader.js';
import { ByteWriter } from '../../protocol/byte-writer.js';
import { CommandCode } from '../../protocol/command-code.js';
import type { CommandSpec } from '../command-spec.js';
import { decodeObjectIdResponse, encodeObjectIdResponse } from '../object/object-id-response.js';
import type { ObjectIdResponse } from '../object/object-params.js';
import { readOtpAeadKeyParams, writeOtpAeadKeyParams, type OtpAeadKeyParams, type OtpAeadKeyParamsInput } from './otp-aead-key-params.js';

/** GenerateOtpAeadKey (0x66): object header (alg aes128/192/256-yubico-otp) ‖ nonce id(4) → id. Needs generate-otp-aead-key. */
export const GenerateOtpAeadKey: CommandSpec<OtpAeadKeyParamsInput, ObjectIdResponse, OtpAeadKeyParams> = {
  code: CommandCode.generateOtpAeadKey,
  name: 'generateOtpAeadKey',
  idempotent: false,
  encodeRequest: (p) => writeOtpAeadKeyParams(new ByteWriter(), p).finish(),
  decodeRequest: (payload) => {
    const r = new ByteReader(payload, 'generateOtpAeadKey request');
    const params = readOtpAeadKeyParams(r);
    r.end();
    return params;
  },
  encodeResponse: encodeObjectIdResponse,
  decodeResponse: decodeObjectIdResponse,
};
