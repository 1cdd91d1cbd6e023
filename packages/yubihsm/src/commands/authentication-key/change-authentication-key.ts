import { algorithmCode } from '../../protocol/algorithm.js';
import { ByteReader } from '../../protocol/byte-reader.js';
import { ByteWriter } from '../../protocol/byte-writer.js';
import { CommandCode } from '../../protocol/command-code.js';
import { YubiHsmProtocolError } from '../../protocol/errors.js';
import { checkObjectId, type CommandSpec } from '../command-spec.js';
import { decodeObjectIdResponse, encodeObjectIdResponse } from '../object/object-id-response.js';
import type { ObjectIdResponse, ObjectParamsInput } from '../object/object-params.js';

export interface ChangeAuthenticationKeyRequest {
  /** The session's own authentication key (the only one a session may change). */
  readonly id: number;
  /** Defaults to aes128-yubico-authentication (38). */
  readonly algorithm?: ObjectParamsInput['algorithm'];
  readonly encKey: Uint8Array;
  readonly macKey: Uint8Array;
}

/**
 * ChangeAuthenticationKey (0x6c): id(2) ‖ alg(1) ‖ K-ENC(16) ‖ K-MAC(16) → id. Replaces the key material of the
 * session's own authentication key (its id, label, domains and capabilities stay). Needs change-authentication-key.
 */
export const ChangeAuthenticationKey: CommandSpec<
  ChangeAuthenticationKeyRequest,
  ObjectIdResponse,
  Required<ChangeAuthenticationKeyRequest> & { algorithm: number }
> = {
  code: CommandCode.changeAuthenticationKey,
  name: 'changeAuthenticationKey',
  idempotent: false,
  encodeRequest: ({ id, algorithm, encKey, macKey }) => {
    if (encKey.length !== 16 || macKey.length !== 16) throw new YubiHsmProtocolError('invalid_argument', 'authentication key halves must be 16 bytes each');
    return new ByteWriter()
      .u16(checkObjectId(id))
      .u8(algorithmCode(algorithm ?? 'aes128-yubico-authentication'))
      .bytes(encKey)
      .bytes(macKey)
      .finish();
  },
  decodeRequest: (p) => {
    const r = new ByteReader(p, 'changeAuthenticationKey request');
    const out = { id: r.u16(), algorithm: r.u8(), encKey: r.bytes(16), macKey: r.bytes(16) };
    r.end();
    return out;
  },
  encodeResponse: encodeObjectIdResponse,
  decodeResponse: decodeObjectIdResponse,
};
