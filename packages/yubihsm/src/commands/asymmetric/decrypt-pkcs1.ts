import { ByteReader } from '../../protocol/byte-reader.js';
import { ByteWriter } from '../../protocol/byte-writer.js';
import { CommandCode } from '../../protocol/command-code.js';
import { checkObjectId, type CommandSpec } from '../command-spec.js';

export interface DecryptPkcs1Request {
  readonly id: number;
  /** RSAES-PKCS1-v1_5 ciphertext (modulus length). */
  readonly ciphertext: Uint8Array;
}

/** DecryptPkcs1 (0x49): id(2) ‖ ciphertext → plaintext. Needs decrypt-pkcs. */
export const DecryptPkcs1: CommandSpec<DecryptPkcs1Request, Uint8Array> = {
  code: CommandCode.decryptPkcs1,
  name: 'decryptPkcs1',
  idempotent: true,
  encodeRequest: ({ id, ciphertext }) => new ByteWriter().u16(checkObjectId(id)).bytes(ciphertext).finish(),
  decodeRequest: (p) => {
    const r = new ByteReader(p, 'decryptPkcs1 request');
    return { id: r.u16(), ciphertext: r.rest() };
  },
  encodeResponse: (plain) => plain.slice(),
  decodeResponse: (p) => p.slice(),
};
