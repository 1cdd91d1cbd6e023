import { ByteReader } from '../../protocol/byte-reader.js';
import { ByteWriter } from '../../protocol/byte-writer.js';
import type { ObjectIdResponse } from './object-params.js';

export function encodeObjectIdResponse(res: ObjectIdResponse): Uint8Array {
  return new ByteWriter().u16(res.id).finish();
}

export function decodeObjectIdResponse(payload: Uint8Array): ObjectIdResponse {
  const r = new ByteReader(payload, 'object id response');
  const id = r.u16();
  r.end();
  return { id };
}
