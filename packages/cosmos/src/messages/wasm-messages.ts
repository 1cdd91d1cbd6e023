import { MsgExecuteContract, MsgInstantiateContract } from 'cosmjs-types/cosmwasm/wasm/v1/tx';
import { decodeStrict } from '../strict-proto.js';
import type { MessageContext, MessageDecoder } from './message-facts.js';
import { NO_FACTS, coinTransfers, messageError, requireOwnAddress } from './message-facts.js';

export const MSG_EXECUTE_CONTRACT_TYPE_URL = '/cosmwasm.wasm.v1.MsgExecuteContract';
export const MSG_INSTANTIATE_CONTRACT_TYPE_URL = '/cosmwasm.wasm.v1.MsgInstantiateContract';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Parses a CosmWasm JSON message (UTF-8 JSON, as the chain requires); anything else fails closed. */
function parseJsonMsg(bytes: Uint8Array, ctx: MessageContext): unknown {
  try {
    return JSON.parse(utf8.decode(bytes));
  } catch {
    return messageError('contract msg is not UTF-8 JSON', ctx);
  }
}

/**
 * The method of an execute message: its single top-level key (`{"swap": {...}}` → `swap`), the CosmWasm
 * convention. A message that is not an object with exactly one key has no method (allowed_methods then denies).
 */
export function wasmMethod(msg: unknown): string | undefined {
  if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) return undefined;
  const keys = Object.keys(msg);
  return keys.length === 1 ? keys[0] : undefined;
}

/** Execute: a contract call (contract, method) and the funds as transfers to the contract. */
export const decodeMsgExecuteContract: MessageDecoder = (value, ctx) => {
  const m = decodeStrict(MsgExecuteContract, value, ctx.path, ctx.field);
  const notes: string[] = [];
  requireOwnAddress(m.sender, 'sender', MSG_EXECUTE_CONTRACT_TYPE_URL, ctx, notes);
  const method = wasmMethod(parseJsonMsg(m.msg, ctx));
  return {
    ...NO_FACTS,
    notes,
    contracts: [{ contract: m.contract, ...(method === undefined ? {} : { method }), via: MSG_EXECUTE_CONTRACT_TYPE_URL }],
    transfers: coinTransfers(m.funds, m.sender, m.contract, MSG_EXECUTE_CONTRACT_TYPE_URL, `${ctx.path}.funds`, ctx.field),
  };
};

/**
 * Instantiate: flagged `contract_instantiation`; the funds are transfers to `code:<code_id>` (the contract address
 * does not exist yet); code id, admin and label are notes.
 */
export const decodeMsgInstantiateContract: MessageDecoder = (value, ctx) => {
  const m = decodeStrict(MsgInstantiateContract, value, ctx.path, ctx.field);
  const notes: string[] = [];
  requireOwnAddress(m.sender, 'sender', MSG_INSTANTIATE_CONTRACT_TYPE_URL, ctx, notes);
  parseJsonMsg(m.msg, ctx);
  const to = `code:${m.codeId}`;
  return {
    ...NO_FACTS,
    flags: ['contract_instantiation'],
    notes: [...notes, `instantiate_code_id=${m.codeId}`, `instantiate_admin=${m.admin}`, `instantiate_label=${m.label}`],
    transfers: coinTransfers(m.funds, m.sender, to, MSG_INSTANTIATE_CONTRACT_TYPE_URL, `${ctx.path}.funds`, ctx.field),
  };
};
