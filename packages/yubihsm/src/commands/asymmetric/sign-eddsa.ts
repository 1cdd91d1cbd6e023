import { ByteReader } from '../../protocol/byte-reader.js';
import { ByteWriter } from '../../protocol/byte-writer.js';
import { CommandCode } from '../../protocol/command-code.js';
import { YubiHsmProtocolError } from '../../protocol/errors.js';
import { checkObjectId, type CommandSpec } from '../command-spec.js';

export interface SignEddsaRequest {
  readonly id: number;
  /** The raw message (not a hash). */
  readonly message: Uint8Array;
}

export const ED25519_SIGNATURE_LENGTH = 64;

/** SignEddsa (0x6a): id(2) ‖ message → 64-byte R‖S. Needs sign-eddsa. */
export const SignEddsa: CommandSpec<SignEddsaRequest, Uint8Array> = {
  code: CommandCode.signEddsa,
  name: 'signEddsa',
  idempotent: true,
  encodeRequest: ({ id, message }) => new ByteWriter().u16(checkObjectId(id)).bytes(message).finish(),
  decodeRequest: (p) => {
    const r = new ByteReader(p, 'signEddsa request');
    return { id: r.u16(), message: r.rest() };
  },
  encodeResponse: (sig) => sig.slice(),
  decodeResponse: (p) => {
    if (p.length !== ED25519_SIGNATURE_LENGTH) throw new YubiHsmProtocolError('malformed_frame', 'signEddsa response must be 64 bytes');
    return p.slice();
  },
};
