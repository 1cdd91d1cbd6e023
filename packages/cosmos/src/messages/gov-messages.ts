import * as govV1 from 'cosmjs-types/cosmos/gov/v1/tx';
import * as govV1beta1 from 'cosmjs-types/cosmos/gov/v1beta1/tx';
import { decodeStrict } from '../strict-proto.js';
import type { MessageDecoder } from './message-facts.js';
import { NO_FACTS, coinTransfers, requireOwnAddress } from './message-facts.js';

export const GOV_VOTE_TYPE_URLS = ['/cosmos.gov.v1beta1.MsgVote', '/cosmos.gov.v1.MsgVote'] as const;
export const GOV_VOTE_WEIGHTED_TYPE_URLS = ['/cosmos.gov.v1beta1.MsgVoteWeighted', '/cosmos.gov.v1.MsgVoteWeighted'] as const;
export const GOV_DEPOSIT_TYPE_URLS = ['/cosmos.gov.v1beta1.MsgDeposit', '/cosmos.gov.v1.MsgDeposit'] as const;

/** The recipient recorded for a governance deposit. */
export const proposalRecipient = (proposalId: bigint): string => `proposal:${proposalId}`;

function vote(codec: typeof govV1beta1.MsgVote | typeof govV1.MsgVote, typeUrl: string): MessageDecoder {
  return (value, ctx) => {
    const m = decodeStrict<{ voter: string; proposalId: bigint; option: number }>(codec, value, ctx.path, ctx.field);
    const notes: string[] = [];
    requireOwnAddress(m.voter, 'voter', typeUrl, ctx, notes);
    return { ...NO_FACTS, notes: [...notes, `proposal_id=${m.proposalId}`, `vote_option=${m.option}`] };
  };
}

function voteWeighted(codec: typeof govV1beta1.MsgVoteWeighted | typeof govV1.MsgVoteWeighted, typeUrl: string): MessageDecoder {
  return (value, ctx) => {
    const m = decodeStrict<{ voter: string; proposalId: bigint }>(codec, value, ctx.path, ctx.field);
    const notes: string[] = [];
    requireOwnAddress(m.voter, 'voter', typeUrl, ctx, notes);
    return { ...NO_FACTS, notes: [...notes, `proposal_id=${m.proposalId}`] };
  };
}

/** A deposit moves coins to the proposal: one transfer per coin to `proposal:<id>`. */
function deposit(codec: typeof govV1beta1.MsgDeposit | typeof govV1.MsgDeposit, typeUrl: string): MessageDecoder {
  return (value, ctx) => {
    const m = decodeStrict<govV1beta1.MsgDeposit>(codec, value, ctx.path, ctx.field);
    const notes: string[] = [];
    requireOwnAddress(m.depositor, 'depositor', typeUrl, ctx, notes);
    return { ...NO_FACTS, notes, transfers: coinTransfers(m.amount, m.depositor, proposalRecipient(m.proposalId), typeUrl, `${ctx.path}.amount`, ctx.field) };
  };
}

export const GOV_DECODERS: readonly (readonly [string, MessageDecoder])[] = [
  [GOV_VOTE_TYPE_URLS[0], vote(govV1beta1.MsgVote, GOV_VOTE_TYPE_URLS[0])],
  [GOV_VOTE_TYPE_URLS[1], vote(govV1.MsgVote, GOV_VOTE_TYPE_URLS[1])],
  [GOV_VOTE_WEIGHTED_TYPE_URLS[0], voteWeighted(govV1beta1.MsgVoteWeighted, GOV_VOTE_WEIGHTED_TYPE_URLS[0])],
  [GOV_VOTE_WEIGHTED_TYPE_URLS[1], voteWeighted(govV1.MsgVoteWeighted, GOV_VOTE_WEIGHTED_TYPE_URLS[1])],
  [GOV_DEPOSIT_TYPE_URLS[0], deposit(govV1beta1.MsgDeposit, GOV_DEPOSIT_TYPE_URLS[0])],
  [GOV_DEPOSIT_TYPE_URLS[1], deposit(govV1.MsgDeposit, GOV_DEPOSIT_TYPE_URLS[1])],
];
