import { ByteReader } from '../../protocol/byte-reader.js';
import { ByteWriter } from '../../protocol/byte-writer.js';
import { Algorithm } from '../../protocol/algorithm.js';
import { capabilityMask, type Capabilities } from '../../protocol/capability.js';
import { CommandCode } from '../../protocol/command-code.js';
import { YubiHsmProtocolError } from '../../protocol/errors.js';
import type { CommandSpec } from '../command-spec.js';
import { decodeObjectIdResponse, encodeObjectIdResponse } from '../object/object-id-response.js';
import { readObjectParams, writeObjectParams, type ObjectIdResponse, type ObjectParams, type ObjectParamsInput } from '../object/object-params.js';

export interface PutPublicAuthenticationKeyRequest extends Omit<ObjectParamsInput, 'algorithm'> {
  readonly delegatedCapabilities: Capabilities;
  /** The host's P-256 public key: x ‖ y (64 bytes) or the uncompressed point 04 ‖ x ‖ y (65 bytes). */
  readonly publicKey: Uint8Array;
}

export interface DecodedPutPublicAuthenticationKey extends ObjectParams {
  readonly delegatedCapabilities: bigint;
  /** x ‖ y, 64 bytes. */
  readonly publicKey: Uint8Array;
}

/**
 * PutAuthenticationKey (0x44) for an asymmetric authentication key (firmware ≥ 2.3): header (alg
 * ecp256-yubico-authentication, 49) ‖ delegated(8) ‖ x(32) ‖ y(32) = 125 bytes → id, as python-yubihsm's
 * `AuthenticationKey.put_public_key` sends it.
 */
export const PutPublicAuthenticationKey: CommandSpec<PutPublicAuthenticationKeyRequest, ObjectIdResponse, DecodedPutPublicAuthenticationKey> = {
  code: CommandCode.putAuthenticationKey,
  name: 'putAuthenticationKey',
  idempotent: false,
  encodeRequest: (p) => {
    const key = p.publicKey.length === 65 && p.publicKey[0] === 4 ? p.publicKey.subarray(1) : p.publicKey;
    if (key.length !== 64) throw new YubiHsmProtocolError('invalid_argument', 'a P-256 public key is x ‖ y (64 bytes) or 04 ‖ x ‖ y');
    return writeObjectParams(new ByteWriter(), { ...p, algorithm: Algorithm['ecp256-yubico-authentication'] })
      .u64(capabilityMask(p.delegatedCapabilities))
      .bytes(key)
      .finish();
  },
  decodeRequest: (payload) => {
    const r = new ByteReader(payload, 'putAuthenticationKey request');
    const params = readObjectParams(r);
    const out = { ...params, delegatedCapabilities: r.u64(), publicKey: r.bytes(64) };
    r.end();
    return out;
  },
  encodeResponse: encodeObjectIdResponse,
  decodeResponse: decodeObjectIdResponse,
};
