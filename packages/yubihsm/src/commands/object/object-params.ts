import { algorithmCode, type AlgorithmName } from '../../protocol/algorithm.js';
import type { ByteReader } from '../../protocol/byte-reader.js';
import type { ByteWriter } from '../../protocol/byte-writer.js';
import { capabilityMask, type Capabilities } from '../../protocol/capability.js';
import { domainMask, type Domains } from '../../protocol/domains.js';
import { encodeLabel, LABEL_LENGTH } from '../../protocol/label.js';
import { checkObjectId } from '../command-spec.js';

/** The common header of Put/Generate requests: id(2) ‖ label(40) ‖ domains(2) ‖ caps(8) ‖ alg(1). */
export interface ObjectParamsInput {
  /** 0 lets the device pick. */
  readonly id: number;
  readonly label?: string | Uint8Array;
  readonly domains: Domains;
  readonly capabilities: Capabilities;
  readonly algorithm: AlgorithmName | number;
}

/** The same header as decoded (label as the raw 40 bytes). */
export interface ObjectParams {
  readonly id: number;
  readonly label: Uint8Array;
  readonly domains: number;
  readonly capabilities: bigint;
  readonly algorithm: number;
}

export function writeObjectParams(w: ByteWriter, p: ObjectParamsInput): ByteWriter {
  return w
    .u16(checkObjectId(p.id, true))
    .bytes(encodeLabel(p.label))
    .u16(domainMask(p.domains))
    .u64(capabilityMask(p.capabilities))
    .u8(algorithmCode(p.algorithm));
}

export function readObjectParams(r: ByteReader): ObjectParams {
  return { id: r.u16(), label: r.bytes(LABEL_LENGTH), domains: r.u16(), capabilities: r.u64(), algorithm: r.u8() };
}

/** Response of every Put/Generate command: the object id. */
export interface ObjectIdResponse {
  readonly id: number;
}
