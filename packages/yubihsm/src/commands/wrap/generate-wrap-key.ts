import { ByteReader } from '../../protocol/byte-reader.js';
import { ByteWriter } from '../../protocol/byte-writer.js';
import { capabilityMask, type Capabilities } from '../../protocol/capability.js';
import { CommandCode } from '../../protocol/command-code.js';
import type { CommandSpec } from '../command-spec.js';
import { decodeObjectIdResponse, encodeObjectIdResponse } from '../object/object-id-response.js';
import { readObjectParams, writeObjectParams, type ObjectIdResponse, type ObjectParams, type ObjectParamsInput } from '../object/object-params.js';

export interface GenerateWrapKeyRequest extends ObjectParamsInput {
  readonly delegatedCapabilities: Capabilities;
}

/** GenerateWrapKey (0x5b): header ‖ delegated(8) → id. Needs generate-wrap-key. */
export const GenerateWrapKey: CommandSpec<GenerateWrapKeyRequest, ObjectIdResponse, ObjectParams & { delegatedCapabilities: bigint }> = {
  code: CommandCode.generateWrapKey,
  name: 'generateWrapKey',
  idempotent: false,
  encodeRequest: (p) => writeObjectParams(new ByteWriter(), p).u64(capabilityMask(p.delegatedCapabilities)).finish(),
  decodeRequest: (payload) => {
    const r = new ByteReader(payload, 'generateWrapKey request');
    const params = readObjectParams(r);
    const out = { ...params, delegatedCapabilities: r.u64() };
    r.end();
    return out;
  },
  encodeResponse: encodeObjectIdResponse,
  decodeResponse: decodeObjectIdResponse,
};
