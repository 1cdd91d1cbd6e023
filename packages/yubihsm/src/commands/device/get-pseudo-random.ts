import { ByteReader } from '../../protocol/byte-reader.js';
import { ByteWriter } from '../../protocol/byte-writer.js';
import { CommandCode } from '../../protocol/command-code.js';
import type { CommandSpec } from '../command-spec.js';

/** GetPseudoRandom (0x51): `length` random bytes from the device. Needs get-pseudo-random. */
export const GetPseudoRandom: CommandSpec<{ readonly length: number }, Uint8Array> = {
  code: CommandCode.getPseudoRandom,
  name: 'getPseudoRandom',
  idempotent: true,
  encodeRequest: ({ length }) => new ByteWriter().u16(length).finish(),
  decodeRequest: (p) => {
    const r = new ByteReader(p, 'getPseudoRandom request');
    const length = r.u16();
    r.end();
    return { length };
  },
  encodeResponse: (bytes) => bytes.slice(),
  decodeResponse: (p) => p.slice(),
};
