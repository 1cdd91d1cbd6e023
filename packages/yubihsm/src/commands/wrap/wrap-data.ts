import { ByteReader } from '../../protocol/byte-reader.js';
import { ByteWriter } from '../../protocol/byte-writer.js';
import { CommandCode } from '../../protocol/command-code.js';
import { checkObjectId, type CommandSpec } from '../command-spec.js';

export interface WrapDataRequest {
  readonly wrapKeyId: number;
  readonly data: Uint8Array;
}

/** WrapData (0x68): wrapKeyId(2) ‖ data → nonce(13) ‖ AES-CCM ciphertext ‖ tag(16). Needs wrap-data. */
export const WrapData: CommandSpec<WrapDataRequest, Uint8Array> = {
  code: CommandCode.wrapData,
  name: 'wrapData',
  idempotent: true,
  encodeRequest: ({ wrapKeyId, data }) => new ByteWriter().u16(checkObjectId(wrapKeyId)).bytes(data).finish(),
  decodeRequest: (p) => {
    const r = new ByteReader(p, 'wrapData request');
    return { wrapKeyId: r.u16(), data: r.rest() };
  },
  encodeResponse: (blob) => blob.slice(),
  decodeResponse: (p) => p.slice(),
};

/** UnwrapData (0x69): wrapKeyId(2) ‖ nonce ‖ ciphertext ‖ tag → the data. Needs unwrap-data. */
export const UnwrapData: CommandSpec<{ readonly wrapKeyId: number; readonly wrapped: Uint8Array }, Uint8Array> = {
  code: CommandCode.unwrapData,
  name: 'unwrapData',
  idempotent: true,
  encodeRequest: ({ wrapKeyId, wrapped }) => new ByteWriter().u16(checkObjectId(wrapKeyId)).bytes(wrapped).finish(),
  decodeRequest: (p) => {
    const r = new ByteReader(p, 'unwrapData request');
    return { wrapKeyId: r.u16(), wrapped: r.rest() };
  },
  encodeResponse: (data) => data.slice(),
  decodeResponse: (p) => p.slice(),
};
