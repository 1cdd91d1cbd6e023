import type { Any } from 'cosmjs-types/google/protobuf/any';
import * as authz from './authz-messages.js';
import * as bank from './bank-messages.js';
import * as distribution from './distribution-messages.js';
import * as feegrant from './feegrant-messages.js';
import { GOV_DECODERS } from './gov-messages.js';
import * as ibc from './ibc-messages.js';
import type { MessageContext, MessageDecoder, MessageFacts } from './message-facts.js';
import { NO_FACTS } from './message-facts.js';
import * as staking from './staking-messages.js';
import * as wasm from './wasm-messages.js';

/** Every message type this plugin decodes, by type URL. */
export const MESSAGE_DECODERS: ReadonlyMap<string, MessageDecoder> = new Map<string, MessageDecoder>([
  [bank.MSG_SEND_TYPE_URL, bank.decodeMsgSend],
  [bank.MSG_MULTI_SEND_TYPE_URL, bank.decodeMsgMultiSend],
  [ibc.MSG_TRANSFER_TYPE_URL, ibc.decodeMsgTransfer],
  [staking.MSG_DELEGATE_TYPE_URL, staking.decodeMsgDelegate],
  [staking.MSG_UNDELEGATE_TYPE_URL, staking.decodeMsgUndelegate],
  [staking.MSG_BEGIN_REDELEGATE_TYPE_URL, staking.decodeMsgBeginRedelegate],
  [staking.MSG_CANCEL_UNBONDING_DELEGATION_TYPE_URL, staking.decodeMsgCancelUnbondingDelegation],
  [distribution.MSG_WITHDRAW_DELEGATOR_REWARD_TYPE_URL, distribution.decodeMsgWithdrawDelegatorReward],
  [distribution.MSG_SET_WITHDRAW_ADDRESS_TYPE_URL, distribution.decodeMsgSetWithdrawAddress],
  ...GOV_DECODERS,
  [wasm.MSG_EXECUTE_CONTRACT_TYPE_URL, wasm.decodeMsgExecuteContract],
  [wasm.MSG_INSTANTIATE_CONTRACT_TYPE_URL, wasm.decodeMsgInstantiateContract],
  [authz.MSG_EXEC_TYPE_URL, authz.decodeMsgExec],
  [authz.MSG_GRANT_TYPE_URL, authz.decodeMsgGrant],
  [authz.MSG_REVOKE_TYPE_URL, authz.decodeMsgRevoke],
  [feegrant.MSG_GRANT_ALLOWANCE_TYPE_URL, feegrant.decodeMsgGrantAllowance],
  [feegrant.MSG_REVOKE_ALLOWANCE_TYPE_URL, feegrant.decodeMsgRevokeAllowance],
]);

/** The decoded message type URLs, sorted (for docs and tests). */
export const DECODED_MESSAGE_TYPE_URLS: readonly string[] = [...MESSAGE_DECODERS.keys()].sort();

/**
 * Decodes one message. A type URL this plugin does not know gives an `unknown` action without any transfer facts
 * (policy admits it only through allowed_messages and allow_unknown_instructions); a known type that does not
 * decode strictly throws decode_failed.
 */
export function decodeMessage(any: Any, ctx: Omit<MessageContext, 'decodeInner'>): MessageFacts {
  const decoder = MESSAGE_DECODERS.get(any.typeUrl);
  if (decoder === undefined) return { typeUrl: any.typeUrl, kind: 'unknown', known: false, ...NO_FACTS };
  const full: MessageContext = {
    ...ctx,
    decodeInner: (inner, path) => decodeMessage(inner, { ...ctx, path, depth: ctx.depth + 1 }),
  };
  const facts = decoder(any.value, full);
  return { ...facts, typeUrl: any.typeUrl, kind: facts.kind ?? any.typeUrl.split('.').pop()!, known: true };
}
