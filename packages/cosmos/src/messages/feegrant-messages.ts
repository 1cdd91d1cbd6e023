import { MsgGrantAllowance, MsgRevokeAllowance } from 'cosmjs-types/cosmos/feegrant/v1beta1/tx';
import { decodeStrict } from '../strict-proto.js';
import type { MessageDecoder } from './message-facts.js';
import { NO_FACTS, requireOwnAddress } from './message-facts.js';

export const MSG_GRANT_ALLOWANCE_TYPE_URL = '/cosmos.feegrant.v1beta1.MsgGrantAllowance';
export const MSG_REVOKE_ALLOWANCE_TYPE_URL = '/cosmos.feegrant.v1beta1.MsgRevokeAllowance';

/** Lets the grantee pay fees from our account: authority change; grantee and allowance type are notes. */
export const decodeMsgGrantAllowance: MessageDecoder = (value, ctx) => {
  const m = decodeStrict(MsgGrantAllowance, value, ctx.path, ctx.field);
  const notes: string[] = [];
  requireOwnAddress(m.granter, 'granter', MSG_GRANT_ALLOWANCE_TYPE_URL, ctx, notes);
  return { ...NO_FACTS, flags: ['authority_change'], notes: [...notes, `grantee=${m.grantee}`, `allowance=${m.allowance?.typeUrl ?? ''}`] };
};

export const decodeMsgRevokeAllowance: MessageDecoder = (value, ctx) => {
  const m = decodeStrict(MsgRevokeAllowance, value, ctx.path, ctx.field);
  const notes: string[] = [];
  requireOwnAddress(m.granter, 'granter', MSG_REVOKE_ALLOWANCE_TYPE_URL, ctx, notes);
  return { ...NO_FACTS, flags: ['authority_change'], notes: [...notes, `grantee=${m.grantee}`] };
};
