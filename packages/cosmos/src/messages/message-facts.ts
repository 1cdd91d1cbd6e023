import type { Coin } from 'cosmjs-types/cosmos/base/v1beta1/coin';
import type { Any } from 'cosmjs-types/google/protobuf/any';
import type { ContractCall, IntentFlag, Transfer } from '@openkms/core';
import { ErrorCode, openKmsError } from '@openkms/core';
import { parseCoin } from '../coin-amount.js';

/** What one message does, as policy facts. Inner messages (authz MsgExec) are listed in `inner`. */
export interface MessageFacts {
  readonly typeUrl: string;
  /** The message name (`MsgSend`), or `unknown`. */
  readonly kind: string;
  readonly known: boolean;
  readonly transfers: readonly Transfer[];
  readonly contracts: readonly ContractCall[];
  readonly flags: readonly IntentFlag[];
  readonly notes: readonly string[];
  readonly inner: readonly MessageFacts[];
}

/** Where a message sits and who signs it. */
export interface MessageContext {
  /** The signing key's address. */
  readonly signer: string;
  /** Path for error context, e.g. `messages.0` or `messages.0.msgs.1`. */
  readonly path: string;
  /** authz nesting depth (0 = a top-level message). */
  readonly depth: number;
  /** Which field of the request carries the document (`sign_doc_b64` or `sign_doc`). */
  readonly field: string;
  /** Decodes a message nested in this one (authz MsgExec), one level deeper. */
  readonly decodeInner: (any: Any, path: string) => MessageFacts;
}

/** A decoder of one message type's protobuf `value`. */
export type MessageDecoder = (value: Uint8Array, ctx: MessageContext) => Omit<MessageFacts, 'typeUrl' | 'known' | 'kind'> & { readonly kind?: string };

/** The empty part of a MessageFacts, to spread. */
export const NO_FACTS = { transfers: [], contracts: [], flags: [], notes: [], inner: [] } as const;

/**
 * Requires `address` (a message's sender / from / delegator / granter / voter / …) to be the signing key. Inside an
 * authz MsgExec (depth > 0) the inner message is signed by the granter, whose grant the chain checks: its address
 * is recorded as a note instead (`authz_granter=<address>`) and the message is evaluated like any other.
 */
export function requireOwnAddress(address: string, role: string, typeUrl: string, ctx: MessageContext, notes: string[]): void {
  if (address === ctx.signer) return;
  if (ctx.depth > 0) {
    const note = `authz_granter=${address}`;
    if (!notes.includes(note)) notes.push(note);
    return;
  }
  throw openKmsError(ErrorCode.signerMismatch, `${typeUrl.split('.').pop()} ${role} is not the signing key`, {
    field: ctx.field,
    part: ctx.path,
    [role]: address,
    signer: ctx.signer,
  });
}

/** One transfer per coin (never summed across denoms); a bad amount or denom fails closed. */
export function coinTransfers(coins: readonly Coin[], from: string, to: string, via: string, where: string, field: string, channel?: string): Transfer[] {
  return coins.map((coin, i) => {
    const { asset, amount } = parseCoin(coin, `${where}.${i}`, field);
    return { asset, amount, from, to, via, ...(channel === undefined ? {} : { channel }) };
  });
}

/** A decode failure inside a message. */
export function messageError(message: string, ctx: MessageContext, extra: Record<string, unknown> = {}): never {
  throw openKmsError(ErrorCode.decodeFailed, message, { field: ctx.field, part: ctx.path, ...extra });
}
