import { ByteReader } from '../../protocol/byte-reader.js';
import { ByteWriter } from '../../protocol/byte-writer.js';
import { capabilityMask, type Capabilities } from '../../protocol/capability.js';
import { CommandCode } from '../../protocol/command-code.js';
import { YubiHsmProtocolError } from '../../protocol/errors.js';
import type { CommandSpec } from '../command-spec.js';
import { decodeObjectIdResponse, encodeObjectIdResponse } from '../object/object-id-response.js';
import { readObjectParams, writeObjectParams, type ObjectIdResponse, type ObjectParams, type ObjectParamsInput } from '../object/object-params.js';

export interface PutAuthenticationKeyRequest extends Omit<ObjectParamsInput, 'algorithm'> {
  /** Defaults to aes128-yubico-authentication (38). */
  readonly algorithm?: ObjectParamsInput['algorithm'];
  readonly delegatedCapabilities: Capabilities;
  readonly encKey: Uint8Array;
  readonly macKey: Uint8Array;
}

export interface DecodedPutAuthenticationKey extends ObjectParams {
  readonly delegatedCapabilities: bigint;
  readonly encKey: Uint8Array;
  readonly macKey: Uint8Array;
}

/** PutAuthenticationKey (0x44): header ‖ delegated(8) ‖ K-ENC(16) ‖ K-MAC(16) = 93 bytes → id. */
export const PutAuthenticationKey: CommandSpec<PutAuthenticationKeyRequest, ObjectIdResponse, DecodedPutAuthenticationKey> = {
  code: CommandCode.putAuthenticationKey,
  name: 'putAuthenticationKey',
  idempotent: false,
  encodeRequest: (p) => {
    if (p.encKey.length !== 16 || p.macKey.length !== 16) throw new YubiHsmProtocolError('invalid_argument', 'authentication key halves must be 16 bytes each');
    return writeObjectParams(new ByteWriter(), { ...p, algorithm: p.algorithm ?? 'aes128-yubico-authentication' })
      .u64(capabilityMask(p.delegatedCapabilities))
      .bytes(p.encKey)
      .bytes(p.macKey)
      .finish();
  },
  decodeRequest: (payload) => {
    const r = new ByteReader(payload, 'putAuthenticationKey request');
    const params = readObjectParams(r);
    const out = { ...params, delegatedCapabilities: r.u64(), encKey: r.bytes(16), macKey: r.bytes(16) };
    r.end();
    return out;
  },
  encodeResponse: encodeObjectIdResponse,
  decodeResponse: decodeObjectIdResponse,
};
