import { MsgBeginRedelegate, MsgCancelUnbondingDelegation, MsgDelegate, MsgUndelegate } from 'cosmjs-types/cosmos/staking/v1beta1/tx';
import type { Coin } from 'cosmjs-types/cosmos/base/v1beta1/coin';
import { decodeStrict } from '../strict-proto.js';
import type { MessageContext, MessageDecoder, MessageFacts } from './message-facts.js';
import { NO_FACTS, coinTransfers, messageError, requireOwnAddress } from './message-facts.js';

export const MSG_DELEGATE_TYPE_URL = '/cosmos.staking.v1beta1.MsgDelegate';
export const MSG_UNDELEGATE_TYPE_URL = '/cosmos.staking.v1beta1.MsgUndelegate';
export const MSG_BEGIN_REDELEGATE_TYPE_URL = '/cosmos.staking.v1beta1.MsgBeginRedelegate';
export const MSG_CANCEL_UNBONDING_DELEGATION_TYPE_URL = '/cosmos.staking.v1beta1.MsgCancelUnbondingDelegation';

/** The delegator must be us; the amount is one transfer to the validator (the recipient policy checks). */
function stakingFacts(
  typeUrl: string,
  delegator: string,
  validator: string,
  amount: Coin | undefined,
  ctx: MessageContext,
): Omit<MessageFacts, 'typeUrl' | 'known' | 'kind'> {
  const notes: string[] = [];
  requireOwnAddress(delegator, 'delegator_address', typeUrl, ctx, notes);
  if (amount === undefined) messageError(`${typeUrl.split('.').pop()} has no amount`, ctx);
  return { ...NO_FACTS, notes, transfers: coinTransfers([amount], delegator, validator, typeUrl, `${ctx.path}.amount`, ctx.field) };
}

export const decodeMsgDelegate: MessageDecoder = (value, ctx) => {
  const m = decodeStrict(MsgDelegate, value, ctx.path, ctx.field);
  return stakingFacts(MSG_DELEGATE_TYPE_URL, m.delegatorAddress, m.validatorAddress, m.amount, ctx);
};

export const decodeMsgUndelegate: MessageDecoder = (value, ctx) => {
  const m = decodeStrict(MsgUndelegate, value, ctx.path, ctx.field);
  return stakingFacts(MSG_UNDELEGATE_TYPE_URL, m.delegatorAddress, m.validatorAddress, m.amount, ctx);
};

/** Redelegation: the recipient is the destination validator; the source validator is a note. */
export const decodeMsgBeginRedelegate: MessageDecoder = (value, ctx) => {
  const m = decodeStrict(MsgBeginRedelegate, value, ctx.path, ctx.field);
  const facts = stakingFacts(MSG_BEGIN_REDELEGATE_TYPE_URL, m.delegatorAddress, m.validatorDstAddress, m.amount, ctx);
  return { ...facts, notes: [...facts.notes, `validator_src_address=${m.validatorSrcAddress}`] };
};

export const decodeMsgCancelUnbondingDelegation: MessageDecoder = (value, ctx) => {
  const m = decodeStrict(MsgCancelUnbondingDelegation, value, ctx.path, ctx.field);
  return stakingFacts(MSG_CANCEL_UNBONDING_DELEGATION_TYPE_URL, m.delegatorAddress, m.validatorAddress, m.amount, ctx);
};
