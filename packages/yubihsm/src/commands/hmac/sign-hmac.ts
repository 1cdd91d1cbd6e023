import { ByteReader } from '../../protocol/byte-reader.js';
import { ByteWriter } from '../../protocol/byte-writer.js';
import { CommandCode } from '../../protocol/command-code.js';
import { checkObjectId, type CommandSpec } from '../command-spec.js';

export interface SignHmacRequest {
  readonly id: number;
  readonly data: Uint8Array;
}

/** SignHmac (0x53): id(2) ‖ data → the HMAC (20, 32, 48 or 64 bytes). Needs sign-hmac. */
export const SignHmac: CommandSpec<SignHmacRequest, Uint8Array> = {
  code: CommandCode.signHmac,
  name: 'signHmac',
  idempotent: true,
  encodeRequest: ({ id, data }) => new ByteWriter().u16(checkObjectId(id)).bytes(data).finish(),
  decodeRequest: (p) => {
    const r = new ByteReader(p, 'signHmac request');
    return { id: r.u16(), data: r.rest() };
  },
  encodeResponse: (mac) => mac.slice(),
  decodeResponse: (p) => p.slice(),
};
