import { MsgSetWithdrawAddress, MsgWithdrawDelegatorReward } from 'cosmjs-types/cosmos/distribution/v1beta1/tx';
import { decodeStrict } from '../strict-proto.js';
import type { MessageDecoder } from './message-facts.js';
import { NO_FACTS, requireOwnAddress } from './message-facts.js';

export const MSG_WITHDRAW_DELEGATOR_REWARD_TYPE_URL = '/cosmos.distribution.v1beta1.MsgWithdrawDelegatorReward';
export const MSG_SET_WITHDRAW_ADDRESS_TYPE_URL = '/cosmos.distribution.v1beta1.MsgSetWithdrawAddress';

/** Withdraws rewards to our own (withdraw) address: no transfer out; the validator is a note. */
export const decodeMsgWithdrawDelegatorReward: MessageDecoder = (value, ctx) => {
  const m = decodeStrict(MsgWithdrawDelegatorReward, value, ctx.path, ctx.field);
  const notes: string[] = [];
  requireOwnAddress(m.delegatorAddress, 'delegator_address', MSG_WITHDRAW_DELEGATOR_REWARD_TYPE_URL, ctx, notes);
  return { ...NO_FACTS, notes: [...notes, `validator_address=${m.validatorAddress}`] };
};

/** Redirects all future rewards to another address: an authority change (flag), the new address a note. */
export const decodeMsgSetWithdrawAddress: MessageDecoder = (value, ctx) => {
  const m = decodeStrict(MsgSetWithdrawAddress, value, ctx.path, ctx.field);
  const notes: string[] = [];
  requireOwnAddress(m.delegatorAddress, 'delegator_address', MSG_SET_WITHDRAW_ADDRESS_TYPE_URL, ctx, notes);
  return { ...NO_FACTS, flags: ['authority_change'], notes: [...notes, `withdraw_address=${m.withdrawAddress}`] };
};
