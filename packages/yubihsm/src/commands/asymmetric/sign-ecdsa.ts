import { ByteReader } from '../../protocol/byte-reader.js';
import { ByteWriter } from '../../protocol/byte-writer.js';
import { CommandCode } from '../../protocol/command-code.js';
import { checkObjectId, type CommandSpec } from '../command-spec.js';

export interface SignEcdsaRequest {
  readonly id: number;
  /** The pre-hashed digest (20, 28, 32, 48, 64 or 66 bytes). */
  readonly digest: Uint8Array;
}

/** SignEcdsa (0x56): id(2) ‖ digest → DER ECDSA-Sig-Value (not low-S normalised). Needs sign-ecdsa. */
export const SignEcdsa: CommandSpec<SignEcdsaRequest, Uint8Array> = {
  code: CommandCode.signEcdsa,
  name: 'signEcdsa',
  idempotent: true,
  encodeRequest: ({ id, digest }) => new ByteWriter().u16(checkObjectId(id)).bytes(digest).finish(),
  decodeRequest: (p) => {
    const r = new ByteReader(p, 'signEcdsa request');
    return { id: r.u16(), digest: r.rest() };
  },
  encodeResponse: (der) => der.slice(),
  decodeResponse: (p) => p.slice(),
};
