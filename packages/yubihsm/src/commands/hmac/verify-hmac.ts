import { ByteReader } from '../../protocol/byte-reader.js';
import { ByteWriter } from '../../protocol/byte-writer.js';
import { CommandCode } from '../../protocol/command-code.js';
import { YubiHsmProtocolError } from '../../protocol/errors.js';
import { checkObjectId, type CommandSpec } from '../command-spec.js';

export interface VerifyHmacRequest {
  readonly id: number;
  /** The HMAC to check (its length is the key's hash output length). */
  readonly mac: Uint8Array;
  readonly data: Uint8Array;
}

/**
 * VerifyHmac (0x5c): id(2) ‖ mac ‖ data → 1 byte (1 valid, 0 not). The device splits mac and data by the key's
 * output length; decodeRequest here, without the key, returns them joined as `data` with an empty `mac`.
 */
export const VerifyHmac: CommandSpec<VerifyHmacRequest, boolean> = {
  code: CommandCode.verifyHmac,
  name: 'verifyHmac',
  idempotent: true,
  encodeRequest: ({ id, mac, data }) => new ByteWriter().u16(checkObjectId(id)).bytes(mac).bytes(data).finish(),
  decodeRequest: (p) => {
    const r = new ByteReader(p, 'verifyHmac request');
    return { id: r.u16(), mac: new Uint8Array(0), data: r.rest() };
  },
  encodeResponse: (ok) => Uint8Array.of(ok ? 1 : 0),
  decodeResponse: (p) => {
    if (p.length !== 1 || p[0]! > 1) throw new YubiHsmProtocolError('malformed_frame', 'verifyHmac response: expected one byte 0 or 1');
    return p[0] === 1;
  },
};
