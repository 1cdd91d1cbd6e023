import { ByteReader } from '../../protocol/byte-reader.js';
import { ByteWriter } from '../../protocol/byte-writer.js';
import { capabilityMask, type Capabilities } from '../../protocol/capability.js';
import { CommandCode } from '../../protocol/command-code.js';
import type { CommandSpec } from '../command-spec.js';
import { decodeObjectIdResponse, encodeObjectIdResponse } from '../object/object-id-response.js';
import { readObjectParams, writeObjectParams, type ObjectIdResponse, type ObjectParams, type ObjectParamsInput } from '../object/object-params.js';

export interface PutWrapKeyRequest extends ObjectParamsInput {
  readonly delegatedCapabilities: Capabilities;
  /** 16/24/32 bytes for aes128/192/256-ccm-wrap. */
  readonly key: Uint8Array;
}

/** PutWrapKey (0x4c): header ‖ delegated(8) ‖ key → id. Needs put-wrap-key. */
export const PutWrapKey: CommandSpec<PutWrapKeyRequest, ObjectIdResponse, ObjectParams & { delegatedCapabilities: bigint; key: Uint8Array }> = {
  code: CommandCode.putWrapKey,
  name: 'putWrapKey',
  idempotent: false,
  encodeRequest: (p) => writeObjectParams(new ByteWriter(), p).u64(capabilityMask(p.delegatedCapabilities)).bytes(p.key).finish(),
  decodeRequest: (payload) => {
    const r = new ByteReader(payload, 'putWrapKey request');
    const params = readObjectParams(r);
    return { ...params, delegatedCapabilities: r.u64(), key: r.rest() };
  },
  encodeResponse: encodeObjectIdResponse,
  decodeResponse: decodeObjectIdResponse,
};
