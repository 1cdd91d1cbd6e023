import { ByteReader } from '../../protocol/byte-reader.js';
import { ByteWriter } from '../../protocol/byte-writer.js';
import { P256_POINT_LENGTH, RECEIPT_LENGTH } from '../../protocol/asymmetric-auth.js';
import { CommandCode } from '../../protocol/command-code.js';
import { YubiHsmProtocolError } from '../../protocol/errors.js';
import { checkObjectId, type CommandSpec } from '../command-spec.js';

export interface CreateSessionAsymmetricRequest {
  readonly authKeyId: number;
  /** The host's ephemeral public key EPK.OCE, uncompressed (65 bytes). */
  readonly hostEphemeralKey: Uint8Array;
}

export interface CreateSessionAsymmetricResponse {
  readonly sessionId: number;
  /** The device's ephemeral public key EPK.SD, uncompressed (65 bytes). */
  readonly deviceEphemeralKey: Uint8Array;
  readonly receipt: Uint8Array;
}

/** CreateSession (0x03), asymmetric variant (firmware ≥ 2.3): keyId(2) ‖ EPK.OCE(65) → sid(1) ‖ EPK.SD(65) ‖ receipt(16). */
export const CreateSessionAsymmetric: CommandSpec<CreateSessionAsymmetricRequest, CreateSessionAsymmetricResponse> = {
  code: CommandCode.createSession,
  name: 'createSession',
  idempotent: false,
  encodeRequest: ({ authKeyId, hostEphemeralKey }) => {
    if (hostEphemeralKey.length !== P256_POINT_LENGTH || hostEphemeralKey[0] !== 4) {
      throw new YubiHsmProtocolError('invalid_argument', 'the ephemeral key must be an uncompressed P-256 point');
    }
    return new ByteWriter().u16(checkObjectId(authKeyId)).bytes(hostEphemeralKey).finish();
  },
  decodeRequest: (p) => {
    const r = new ByteReader(p, 'createSession request');
    const req = { authKeyId: r.u16(), hostEphemeralKey: r.bytes(P256_POINT_LENGTH) };
    r.end();
    return req;
  },
  encodeResponse: (res) => new ByteWriter().u8(res.sessionId).bytes(res.deviceEphemeralKey).bytes(res.receipt).finish(),
  decodeResponse: (p) => {
    const r = new ByteReader(p, 'createSession response');
    const res = { sessionId: r.u8(), deviceEphemeralKey: r.bytes(P256_POINT_LENGTH), receipt: r.bytes(RECEIPT_LENGTH) };
    r.end();
    return res;
  },
};
