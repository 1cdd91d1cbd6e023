import { ByteReader } from '../../protocol/byte-reader.js';
import { ByteWriter } from '../../protocol/byte-writer.js';
import { CommandCode } from '../../protocol/command-code.js';
import { checkObjectId, type CommandSpec } from '../command-spec.js';

export interface GetOpaqueRequest {
  /** Opaque object id; 0 is the device attestation certificate. */
  readonly id: number;
}

/** GetOpaque (0x43): id(2) → the object's bytes. Needs get-opaque. */
export const GetOpaque: CommandSpec<GetOpaqueRequest, Uint8Array> = {
  code: CommandCode.getOpaque,
  name: 'getOpaque',
  idempotent: true,
  encodeRequest: ({ id }) => new ByteWriter().u16(checkObjectId(id, true)).finish(),
  decodeRequest: (p) => {
    const r = new ByteReader(p, 'getOpaque request');
    const id = r.u16();
    r.end();
    return { id };
  },
  encodeResponse: (data) => data.slice(),
  decodeResponse: (p) => p.slice(),
};
