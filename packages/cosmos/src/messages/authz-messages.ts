import { MsgExec, MsgGrant, MsgRevoke } from 'cosmjs-types/cosmos/authz/v1beta1/tx';
import { decodeStrict } from '../strict-proto.js';
import type { MessageDecoder } from './message-facts.js';
import { NO_FACTS, messageError, requireOwnAddress } from './message-facts.js';

export const MSG_EXEC_TYPE_URL = '/cosmos.authz.v1beta1.MsgExec';
export const MSG_GRANT_TYPE_URL = '/cosmos.authz.v1beta1.MsgGrant';
export const MSG_REVOKE_TYPE_URL = '/cosmos.authz.v1beta1.MsgRevoke';

/** Deepest MsgExec nesting decoded; deeper is undecodable. */
export const MAX_AUTHZ_DEPTH = 3;

/**
 * MsgExec: the grantee must be us; every inner message is decoded like a top-level one (its facts join the
 * intent, so each passes every policy rule) except that its sender is the granter (recorded as a note). An inner
 * message that is unknown or undecodable makes the whole request undecodable.
 */
export const decodeMsgExec: MessageDecoder = (value, ctx) => {
  const m = decodeStrict(MsgExec, value, ctx.path, ctx.field);
  const notes: string[] = [];
  requireOwnAddress(m.grantee, 'grantee', MSG_EXEC_TYPE_URL, ctx, notes);
  if (m.msgs.length === 0) messageError('MsgExec has no messages', ctx);
  if (ctx.depth + 1 > MAX_AUTHZ_DEPTH) messageError(`MsgExec nested deeper than ${MAX_AUTHZ_DEPTH}`, ctx);
  const inner = m.msgs.map((any, i) => {
    const facts = ctx.decodeInner(any, `${ctx.path}.msgs.${i}`);
    if (!facts.known) messageError(`MsgExec contains a message of unknown type ${any.typeUrl}`, ctx, { type_url: any.typeUrl });
    return facts;
  });
  return { ...NO_FACTS, notes, inner };
};

/** MsgGrant: gives the grantee power over our account: authority change; grantee and authorization type are notes. */
export const decodeMsgGrant: MessageDecoder = (value, ctx) => {
  const m = decodeStrict(MsgGrant, value, ctx.path, ctx.field);
  const notes: string[] = [];
  requireOwnAddress(m.granter, 'granter', MSG_GRANT_TYPE_URL, ctx, notes);
  const auth = m.grant?.authorization?.typeUrl ?? '';
  return { ...NO_FACTS, flags: ['authority_change'], notes: [...notes, `grantee=${m.grantee}`, `authorization=${auth}`] };
};

export const decodeMsgRevoke: MessageDecoder = (value, ctx) => {
  const m = decodeStrict(MsgRevoke, value, ctx.path, ctx.field);
  const notes: string[] = [];
  requireOwnAddress(m.granter, 'granter', MSG_REVOKE_TYPE_URL, ctx, notes);
  return { ...NO_FACTS, flags: ['authority_change'], notes: [...notes, `grantee=${m.grantee}`, `revoked_msg_type_url=${m.msgTypeUrl}`] };
};
