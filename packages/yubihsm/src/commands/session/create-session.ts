import { ByteReader } from '../../protocol/byte-reader.js';
import { ByteWriter } from '../../protocol/byte-writer.js';
import { CommandCode } from '../../protocol/command-code.js';
import { YubiHsmProtocolError } from '../../protocol/errors.js';
import { CHALLENGE_LENGTH, CRYPTOGRAM_LENGTH } from '../../protocol/scp03.js';
import { checkObjectId, type CommandSpec } from '../command-spec.js';

export interface CreateSessionRequest {
  readonly authKeyId: number;
  readonly hostChallenge: Uint8Array;
}

export interface CreateSessionResponse {
  readonly sessionId: number;
  readonly cardChallenge: Uint8Array;
  readonly cardCryptogram: Uint8Array;
}

/** CreateSession (0x03), symmetric variant: keyId(2) ‖ hostChallenge(8) → sid(1) ‖ cardChallenge(8) ‖ cardCryptogram(8). */
export const CreateSession: CommandSpec<CreateSessionRequest, CreateSessionResponse> = {
  code: CommandCode.createSession,
  name: 'createSession',
  idempotent: false,
  encodeRequest: ({ authKeyId, hostChallenge }) => {
    if (hostChallenge.length !== CHALLENGE_LENGTH) throw new YubiHsmProtocolError('invalid_argument', 'host challenge must be 8 bytes');
    return new ByteWriter().u16(checkObjectId(authKeyId)).bytes(hostChallenge).finish();
  },
  decodeRequest: (p) => {
    const r = new ByteReader(p, 'createSession request');
    const req = { authKeyId: r.u16(), hostChallenge: r.bytes(CHALLENGE_LENGTH) };
    r.end();
    return req;
  },
  encodeResponse: (res) => new ByteWriter().u8(res.sessionId).bytes(res.cardChallenge).bytes(res.cardCryptogram).finish(),
  decodeResponse: (p) => {
    const r = new ByteReader(p, 'createSession response');
    const res = { sessionId: r.u8(), cardChallenge: r.bytes(CHALLENGE_LENGTH), cardCryptogram: r.bytes(CRYPTOGRAM_LENGTH) };
    r.end();
    return res;
  },
};
