import { algorithmCode, type AlgorithmName } from '../../protocol/algorithm.js';
import { ByteReader } from '../../protocol/byte-reader.js';
import { ByteWriter } from '../../protocol/byte-writer.js';
import { capabilityMask, type Capabilities } from '../../protocol/capability.js';
import { CommandCode } from '../../protocol/command-code.js';
import { domainMask, type Domains } from '../../protocol/domains.js';
import { YubiHsmProtocolError } from '../../protocol/errors.js';
import { encodeLabel, LABEL_LENGTH } from '../../protocol/label.js';
import { objectTypeCode, type ObjectTypeName } from '../../protocol/object-type.js';
import { checkObjectId, type CommandSpec } from '../command-spec.js';

/** ListObjects filters; every filter present must match. */
export interface ListObjectsFilter {
  readonly id?: number;
  readonly type?: ObjectTypeName | number;
  readonly domains?: Domains;
  readonly capabilities?: Capabilities;
  readonly algorithm?: AlgorithmName | number;
  readonly label?: string | Uint8Array;
}

export interface DecodedListObjectsFilter {
  readonly id?: number;
  readonly type?: number;
  readonly domains?: number;
  readonly capabilities?: bigint;
  readonly algorithm?: number;
  readonly label?: Uint8Array;
}

export interface ObjectEntry {
  readonly id: number;
  readonly type: number;
  readonly sequence: number;
}

export const ListFilterTag = { id: 0x01, type: 0x02, domains: 0x03, capabilities: 0x04, algorithm: 0x05, label: 0x06 } as const;

/** Filters → tag ‖ value list, in tag order. */
export function encodeListObjectsFilter(f: ListObjectsFilter = {}): Uint8Array {
  const w = new ByteWriter();
  if (f.id !== undefined) w.u8(ListFilterTag.id).u16(checkObjectId(f.id));
  if (f.type !== undefined) w.u8(ListFilterTag.type).u8(objectTypeCode(f.type));
  if (f.domains !== undefined) w.u8(ListFilterTag.domains).u16(domainMask(f.domains));
  if (f.capabilities !== undefined) w.u8(ListFilterTag.capabilities).u64(capabilityMask(f.capabilities));
  if (f.algorithm !== undefined) w.u8(ListFilterTag.algorithm).u8(algorithmCode(f.algorithm));
  if (f.label !== undefined) w.u8(ListFilterTag.label).bytes(encodeLabel(f.label));
  return w.finish();
}

export function decodeListObjectsFilter(payload: Uint8Array): DecodedListObjectsFilter {
  const r = new ByteReader(payload, 'listObjects request');
  const out: { -readonly [K in keyof DecodedListObjectsFilter]: DecodedListObjectsFilter[K] } = {};
  while (r.remaining > 0) {
    const tag = r.u8();
    switch (tag) {
      case ListFilterTag.id:
        out.id = r.u16();
        break;
      case ListFilterTag.type:
        out.type = r.u8();
        break;
      case ListFilterTag.domains:
        out.domains = r.u16();
        break;
      case ListFilterTag.capabilities:
        out.capabilities = r.u64();
        break;
      case ListFilterTag.algorithm:
        out.algorithm = r.u8();
        break;
      case ListFilterTag.label:
        out.label = r.bytes(LABEL_LENGTH);
        break;
      default:
        throw new YubiHsmProtocolError('malformed_frame', `unknown listObjects filter tag 0x${tag.toString(16)}`);
    }
  }
  return out;
}

/** ListObjects (0x48): filters → n × [id(2) ‖ type(1) ‖ sequence(1)]. */
export const ListObjects: CommandSpec<ListObjectsFilter | undefined, readonly ObjectEntry[], DecodedListObjectsFilter, ObjectEntry[]> = {
  code: CommandCode.listObjects,
  name: 'listObjects',
  idempotent: true,
  encodeRequest: (f) => encodeListObjectsFilter(f),
  decodeRequest: decodeListObjectsFilter,
  encodeResponse: (entries) => {
    const w = new ByteWriter();
    for (const e of entries) w.u16(e.id).u8(e.type).u8(e.sequence);
    return w.finish();
  },
  decodeResponse: (p) => {
    if (p.length % 4 !== 0) throw new YubiHsmProtocolError('malformed_frame', 'listObjects response length is not a multiple of 4');
    const r = new ByteReader(p, 'listObjects response');
    const out: ObjectEntry[] = [];
    while (r.remaining > 0) out.push({ id: r.u16(), type: r.u8(), sequence: r.u8() });
    return out;
  },
};
