import { ByteReader } from '../../protocol/byte-reader.js';
import { ByteWriter } from '../../protocol/byte-writer.js';
import { CommandCode } from '../../protocol/command-code.js';
import { checkObjectId, type CommandSpec } from '../command-spec.js';

export interface GetPublicKeyRequest {
  readonly id: number;
  /** fw ≥ 2.4: object type (e.g. public-wrap-key); omitted for asymmetric keys. */
  readonly type?: number;
}

export interface PublicKeyResponse {
  readonly algorithm: number;
  /** EC: x‖y without 0x04 prefix; Ed25519: 32-byte A; RSA: modulus. */
  readonly publicKey: Uint8Array;
}

/** GetPublicKey (0x54): id(2) [‖ type(1)] → alg(1) ‖ raw public key. */
export const GetPublicKey: CommandSpec<GetPublicKeyRequest, PublicKeyResponse> = {
  code: CommandCode.getPublicKey,
  name: 'getPublicKey',
  idempotent: true,
  encodeRequest: ({ id, type }) => {
    const w = new ByteWriter().u16(checkObjectId(id));
    if (type !== undefined) w.u8(type);
    return w.finish();
  },
  decodeRequest: (p) => {
    const r = new ByteReader(p, 'getPublicKey request');
    const id = r.u16();
    const type = r.remaining > 0 ? r.u8() : undefined;
    r.end();
    return type === undefined ? { id } : { id, type };
  },
  encodeResponse: (res) => new ByteWriter().u8(res.algorithm).bytes(res.publicKey).finish(),
  decodeResponse: (p) => {
    const r = new ByteReader(p, 'getPublicKey response');
    return { algorithm: r.u8(), publicKey: r.rest() };
  },
};
