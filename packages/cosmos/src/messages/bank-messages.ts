import { MsgMultiSend, MsgSend } from 'cosmjs-types/cosmos/bank/v1beta1/tx';
import type { Transfer } from '@openkms/core';
import { decodeStrict } from '../strict-proto.js';
import type { MessageDecoder } from './message-facts.js';
import { NO_FACTS, coinTransfers, messageError, requireOwnAddress } from './message-facts.js';

export const MSG_SEND_TYPE_URL = '/cosmos.bank.v1beta1.MsgSend';
export const MSG_MULTI_SEND_TYPE_URL = '/cosmos.bank.v1beta1.MsgMultiSend';

/** bank MsgSend: from_address must be us; one transfer per coin to to_address. */
export const decodeMsgSend: MessageDecoder = (value, ctx) => {
  const msg = decodeStrict(MsgSend, value, ctx.path, ctx.field);
  const notes: string[] = [];
  requireOwnAddress(msg.fromAddress, 'from_address', MSG_SEND_TYPE_URL, ctx, notes);
  return { ...NO_FACTS, notes, transfers: coinTransfers(msg.amount, msg.fromAddress, msg.toAddress, MSG_SEND_TYPE_URL, `${ctx.path}.amount`, ctx.field) };
};

/**
 * bank MsgMultiSend: every input address must be us; one transfer per output coin. The inputs must add up to the
 * outputs per denom (as the chain requires), else the message is refused.
 */
export const decodeMsgMultiSend: MessageDecoder = (value, ctx) => {
  const msg = decodeStrict(MsgMultiSend, value, ctx.path, ctx.field);
  if (msg.inputs.length === 0 || msg.outputs.length === 0) messageError('MsgMultiSend needs inputs and outputs', ctx);
  const notes: string[] = [];
  const totals = new Map<string, bigint>();
  msg.inputs.forEach((input, i) => {
    requireOwnAddress(input.address, 'input address', MSG_MULTI_SEND_TYPE_URL, ctx, notes);
    for (const t of coinTransfers(input.coins, input.address, '', MSG_MULTI_SEND_TYPE_URL, `${ctx.path}.inputs.${i}.coins`, ctx.field)) {
      totals.set(t.asset, (totals.get(t.asset) ?? 0n) + t.amount);
    }
  });
  const from = msg.inputs[0]!.address;
  const transfers: Transfer[] = msg.outputs.flatMap((output, i) =>
    coinTransfers(output.coins, from, output.address, MSG_MULTI_SEND_TYPE_URL, `${ctx.path}.outputs.${i}.coins`, ctx.field),
  );
  for (const t of transfers) totals.set(t.asset, (totals.get(t.asset) ?? 0n) - t.amount);
  if ([...totals.values()].some((v) => v !== 0n)) messageError('MsgMultiSend inputs and outputs differ', ctx);
  return { ...NO_FACTS, notes, transfers };
};
