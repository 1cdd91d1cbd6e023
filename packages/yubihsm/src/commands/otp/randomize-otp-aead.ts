import { ByteReader } from '../../protocol/byte-reader.js';
import { ByteWriter } from '../../protocol/byte-writer.js';
import { CommandCode } from '../../protocol/command-code.js';
import { checkObjectId, type CommandSpec } from '../command-spec.js';
import { decodeOtpAead } from './otp-aead-key-params.js';

/** RandomizeOtpAead (0x62): id(2) → a 36-byte AEAD of a random key and private id. Needs randomize-otp-aead. */
export const RandomizeOtpAead: CommandSpec<{ readonly id: number }, Uint8Array> = {
  code: CommandCode.randomizeOtpAead,
  name: 'randomizeOtpAead',
  idempotent: false,
  encodeRequest: ({ id }) => new ByteWriter().u16(checkObjectId(id)).finish(),
  decodeRequest: (p) => {
    const r = new ByteReader(p, 'randomizeOtpAead request');
    const id = r.u16();
    r.end();
    return { id };
  },
  encodeResponse: (aead) => aead.slice(),
  decodeResponse: (p) => decodeOtpAead(p, 'randomizeOtpAead response'),
};
