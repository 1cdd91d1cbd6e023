import { ByteReader } from '../../protocol/byte-reader.js';
import { ByteWriter } from '../../protocol/byte-writer.js';
import { CommandCode } from '../../protocol/command-code.js';
import { checkObjectId, type CommandSpec } from '../command-spec.js';

export interface SignPkcs1Request {
  readonly id: number;
  /** The message digest: SHA-1 (20), SHA-256 (32), SHA-384 (48) or SHA-512 (64); the device adds the DigestInfo. */
  readonly digest: Uint8Array;
}

/** SignPkcs1 (0x47): id(2) ‖ digest → RSASSA-PKCS1-v1_5 signature (modulus length). Needs sign-pkcs. */
export const SignPkcs1: CommandSpec<SignPkcs1Request, Uint8Array> = {
  code: CommandCode.signPkcs1,
  name: 'signPkcs1',
  idempotent: true,
  encodeRequest: ({ id, digest }) => new ByteWriter().u16(checkObjectId(id)).bytes(digest).finish(),
  decodeRequest: (p) => {
    const r = new ByteReader(p, 'signPkcs1 request');
    return { id: r.u16(), digest: r.rest() };
  },
  encodeResponse: (sig) => sig.slice(),
  decodeResponse: (p) => p.slice(),
};
