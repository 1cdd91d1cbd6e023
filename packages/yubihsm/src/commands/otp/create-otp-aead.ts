import { ByteReader } from '../../protocol/byte-reader.js';
import { ByteWriter } from '../../protocol/byte-writer.js';
import { CommandCode } from '../../protocol/command-code.js';
import { YubiHsmProtocolError } from '../../protocol/errors.js';
import { checkObjectId, type CommandSpec } from '../command-spec.js';
import { decodeOtpAead } from './otp-aead-key-params.js';

export interface CreateOtpAeadRequest {
  /** The OTP AEAD key to encrypt under. */
  readonly id: number;
  /** The credential's 16-byte AES key (the YubiKey's OTP key). */
  readonly key: Uint8Array;
  /** The credential's 6-byte private id. */
  readonly privateId: Uint8Array;
}

/** CreateOtpAead (0x61): id(2) ‖ key(16) ‖ private id(6) → the 36-byte AEAD. Needs create-otp-aead. */
export const CreateOtpAead: CommandSpec<CreateOtpAeadRequest, Uint8Array> = {
  code: CommandCode.createOtpAead,
  name: 'createOtpAead',
  idempotent: true,
  encodeRequest: ({ id, key, privateId }) => {
    if (key.length !== 16 || privateId.length !== 6) {
      throw new YubiHsmProtocolError('invalid_argument', 'an OTP credential is a 16-byte key and a 6-byte private id');
    }
    return new ByteWriter().u16(checkObjectId(id)).bytes(key).bytes(privateId).finish();
  },
  decodeRequest: (p) => {
    const r = new ByteReader(p, 'createOtpAead request');
    const req = { id: r.u16(), key: r.bytes(16), privateId: r.bytes(6) };
    r.end();
    return req;
  },
  encodeResponse: (aead) => aead.slice(),
  decodeResponse: (p) => decodeOtpAead(p, 'createOtpAead response'),
};
