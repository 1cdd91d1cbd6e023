import { ByteReader } from '../../protocol/byte-reader.js';
import { ByteWriter } from '../../protocol/byte-writer.js';
import { CommandCode } from '../../protocol/command-code.js';
import { YubiHsmProtocolError } from '../../protocol/errors.js';
import { objectTypeCode, type ObjectTypeName } from '../../protocol/object-type.js';
import { checkObjectId, type CommandSpec } from '../command-spec.js';

export const WRAP_NONCE_LENGTH = 13;
export const WRAP_TAG_LENGTH = 16;

export interface ExportWrappedRequest {
  readonly wrapKeyId: number;
  readonly type: ObjectTypeName | number;
  readonly id: number;
  /** fw ≥ 2.4: 0 = legacy, 1 = include the Ed25519 seed. Omitted when undefined. */
  readonly format?: number;
}

/** ExportWrapped (0x4a) → nonce(13) ‖ AES-CCM ciphertext ‖ tag(16), as one opaque blob. */
export const ExportWrapped: CommandSpec<ExportWrappedRequest, Uint8Array, { wrapKeyId: number; type: number; id: number; format?: number }> = {
  code: CommandCode.exportWrapped,
  name: 'exportWrapped',
  idempotent: true,
  encodeRequest: (req) => {
    const w = new ByteWriter().u16(checkObjectId(req.wrapKeyId)).u8(objectTypeCode(req.type)).u16(checkObjectId(req.id));
    if (req.format !== undefined) w.u8(req.format);
    return w.finish();
  },
  decodeRequest: (p) => {
    const r = new ByteReader(p, 'exportWrapped request');
    const base = { wrapKeyId: r.u16(), type: r.u8(), id: r.u16() };
    const out = r.remaining > 0 ? { ...base, format: r.u8() } : base;
    r.end();
    return out;
  },
  encodeResponse: (blob) => blob.slice(),
  decodeResponse: (p) => {
    if (p.length < WRAP_NONCE_LENGTH + WRAP_TAG_LENGTH + 1) throw new YubiHsmProtocolError('malformed_frame', 'exportWrapped response too short');
    return p.slice();
  },
};
