import { MsgTransfer } from 'cosmjs-types/ibc/applications/transfer/v1/tx';
import { decodeStrict } from '../strict-proto.js';
import type { MessageDecoder } from './message-facts.js';
import { NO_FACTS, coinTransfers, messageError, requireOwnAddress } from './message-facts.js';

export const MSG_TRANSFER_TYPE_URL = '/ibc.applications.transfer.v1.MsgTransfer';

/**
 * IBC MsgTransfer: sender must be us; the token is one transfer to `receiver` (an address on the counterparty
 * chain) with `channel` = source_channel, for `allowed_channels`. The source port is recorded as a note.
 */
export const decodeMsgTransfer: MessageDecoder = (value, ctx) => {
  const msg = decodeStrict(MsgTransfer, value, ctx.path, ctx.field);
  const notes: string[] = [];
  requireOwnAddress(msg.sender, 'sender', MSG_TRANSFER_TYPE_URL, ctx, notes);
  if (msg.token === undefined) messageError('MsgTransfer has no token', ctx);
  if (msg.sourceChannel === '') messageError('MsgTransfer has no source channel', ctx);
  notes.push(`ibc_source_port=${msg.sourcePort}`);
  const transfers = coinTransfers([msg.token], msg.sender, msg.receiver, MSG_TRANSFER_TYPE_URL, `${ctx.path}.token`, ctx.field, msg.sourceChannel);
  return { ...NO_FACTS, notes, transfers };
};
