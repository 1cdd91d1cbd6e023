import { ByteReader } from '../../protocol/byte-reader.js';
import { ByteWriter } from '../../protocol/byte-writer.js';
import { capabilityMask, type Capabilities } from '../../protocol/capability.js';
import { CommandCode } from '../../protocol/command-code.js';
import { domainMask, type Domains } from '../../protocol/domains.js';
import { YubiHsmProtocolError } from '../../protocol/errors.js';
import { decodeLabel, encodeLabel, LABEL_LENGTH } from '../../protocol/label.js';
import { objectTypeCode, type ObjectTypeName } from '../../protocol/object-type.js';
import { checkObjectId, type CommandSpec } from '../command-spec.js';

export interface ObjectRef {
  readonly id: number;
  readonly type: ObjectTypeName | number;
}

export interface ObjectInfo {
  readonly capabilities: bigint;
  readonly id: number;
  readonly length: number;
  readonly domains: number;
  readonly type: number;
  readonly algorithm: number;
  readonly sequence: number;
  readonly origin: number;
  readonly label: string;
  readonly delegatedCapabilities: bigint;
}

export interface ObjectInfoInput {
  readonly capabilities: Capabilities;
  readonly id: number;
  readonly length: number;
  readonly domains: Domains;
  readonly type: ObjectTypeName | number;
  readonly algorithm: number;
  readonly sequence: number;
  readonly origin: number;
  readonly label: string | Uint8Array;
  readonly delegatedCapabilities: Capabilities;
}

export const OBJECT_INFO_LENGTH = 66;

export function encodeObjectRef(ref: ObjectRef): Uint8Array {
  return new ByteWriter().u16(checkObjectId(ref.id)).u8(objectTypeCode(ref.type)).finish();
}

export function decodeObjectRef(p: Uint8Array, what: string): { id: number; type: number } {
  const r = new ByteReader(p, what);
  const ref = { id: r.u16(), type: r.u8() };
  r.end();
  return ref;
}

/** GetObjectInfo (0x4e): id(2) ‖ type(1) → 66 bytes of metadata. */
export const GetObjectInfo: CommandSpec<ObjectRef, ObjectInfoInput, { id: number; type: number }, ObjectInfo> = {
  code: CommandCode.getObjectInfo,
  name: 'getObjectInfo',
  idempotent: true,
  encodeRequest: encodeObjectRef,
  decodeRequest: (p) => decodeObjectRef(p, 'getObjectInfo request'),
  encodeResponse: (i) =>
    new ByteWriter()
      .u64(capabilityMask(i.capabilities))
      .u16(i.id)
      .u16(i.length)
      .u16(domainMask(i.domains))
      .u8(objectTypeCode(i.type))
      .u8(i.algorithm)
      .u8(i.sequence)
      .u8(i.origin)
      .bytes(encodeLabel(i.label))
      .u64(capabilityMask(i.delegatedCapabilities))
      .finish(),
  decodeResponse: (p) => {
    if (p.length !== OBJECT_INFO_LENGTH) throw new YubiHsmProtocolError('malformed_frame', `getObjectInfo response must be ${OBJECT_INFO_LENGTH} bytes`);
    const r = new ByteReader(p, 'getObjectInfo response');
    return {
      capabilities: r.u64(),
      id: r.u16(),
      length: r.u16(),
      domains: r.u16(),
      type: r.u8(),
      algorithm: r.u8(),
      sequence: r.u8(),
      origin: r.u8(),
      label: decodeLabel(r.bytes(LABEL_LENGTH)),
      delegatedCapabilities: r.u64(),
    };
  },
};
