import { ByteReader } from '../../protocol/byte-reader.js';
import { ByteWriter } from '../../protocol/byte-writer.js';
import { CommandCode } from '../../protocol/command-code.js';
import { checkObjectId, type CommandSpec } from '../command-spec.js';
import { checkOtpAead, decodeOtpAead, OTP_AEAD_LENGTH } from './otp-aead-key-params.js';

export interface RewrapOtpAeadRequest {
  /** The OTP AEAD key the AEAD is under (needs rewrap-from-otp-aead-key). */
  readonly fromId: number;
  /** The OTP AEAD key to re-encrypt under (needs rewrap-to-otp-aead-key). */
  readonly toId: number;
  readonly aead: Uint8Array;
}

/** RewrapOtpAead (0x63): from id(2) ‖ to id(2) ‖ aead(36) → the credential's AEAD under the other key (36 bytes). */
export const RewrapOtpAead: CommandSpec<RewrapOtpAeadRequest, Uint8Array> = {
  code: CommandCode.rewrapOtpAead,
  name: 'rewrapOtpAead',
  idempotent: false,
  encodeRequest: ({ fromId, toId, aead }) => new ByteWriter().u16(checkObjectId(fromId)).u16(checkObjectId(toId)).bytes(checkOtpAead(aead)).finish(),
  decodeRequest: (p) => {
    const r = new ByteReader(p, 'rewrapOtpAead request');
    const req = { fromId: r.u16(), toId: r.u16(), aead: r.bytes(OTP_AEAD_LENGTH) };
    r.end();
    return req;
  },
  encodeResponse: (aead) => aead.slice(),
  decodeResponse: (p) => decodeOtpAead(p, 'rewrapOtpAead response'),
};
