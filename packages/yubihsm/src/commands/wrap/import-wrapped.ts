import { ByteReader } from '../../protocol/byte-reader.js';
import { ByteWriter } from '../../protocol/byte-writer.js';
import { CommandCode } from '../../protocol/command-code.js';
import { checkObjectId, type CommandSpec } from '../command-spec.js';

export interface ImportWrappedRequest {
  readonly wrapKeyId: number;
  /** nonce(13) ‖ ciphertext ‖ tag(16), as returned by ExportWrapped. */
  readonly wrapped: Uint8Array;
}

export interface ImportWrappedResponse {
  readonly type: number;
  readonly id: number;
}

/** ImportWrapped (0x4b): wrapId(2) ‖ blob → type(1) ‖ id(2). Needs import-wrapped. */
export const ImportWrapped: CommandSpec<ImportWrappedRequest, ImportWrappedResponse> = {
  code: CommandCode.importWrapped,
  name: 'importWrapped',
  idempotent: false,
  encodeRequest: ({ wrapKeyId, wrapped }) => new ByteWriter().u16(checkObjectId(wrapKeyId)).bytes(wrapped).finish(),
  decodeRequest: (p) => {
    const r = new ByteReader(p, 'importWrapped request');
    return { wrapKeyId: r.u16(), wrapped: r.rest() };
  },
  encodeResponse: (res) => new ByteWriter().u8(res.type).u16(res.id).finish(),
  decodeResponse: (p) => {
    const r = new ByteReader(p, 'importWrapped response');
    const out = { type: r.u8(), id: r.u16() };
    r.end();
    return out;
  },
};
