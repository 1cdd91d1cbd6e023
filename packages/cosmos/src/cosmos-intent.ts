import type { ContractCall, Fee, Intent, IntentAction, IntentFlag, Transfer } from '@openkms/core';
import { parseCoin } from './coin-amount.js';
import type { CosmosTx } from './cosmos-tx.js';
import { decodeMessage } from './messages/message-decoders.js';
import type { MessageFacts } from './messages/message-facts.js';

/**
 * Turns a decoded transaction (either sign mode) into policy facts.
 *
 * - network: the document's chain_id; signer: the key's bech32 address.
 * - actions: one per message, authz MsgExec inner messages following their MsgExec (depth-first). Known types
 *   carry their name as kind; unknown ones are `unknown` (known=false, `unknown_instruction` flag, no facts).
 * - programs and messageTypes: distinct type URLs (inner messages included), first-seen order.
 * - transfers / contracts: from every message, inner ones included; amounts per denom, never summed.
 * - fees: one per fee coin, paid by the granter, else the payer, else us (payer = signer: counts as spend).
 * - flags: authority_change, contract_instantiation, fee_delegated, unknown_instruction; notes: see README.
 */
export function buildCosmosIntent(tx: CosmosTx, signer: string): Intent {
  const actions: IntentAction[] = [];
  const typeUrls: string[] = [];
  const transfers: Transfer[] = [];
  const contracts: ContractCall[] = [];
  const flags: IntentFlag[] = [];
  const notes: string[] = [...tx.notes];
  const addFlag = (f: IntentFlag) => {
    if (!flags.includes(f)) flags.push(f);
  };

  const collect = (m: MessageFacts): void => {
    if (!typeUrls.includes(m.typeUrl)) typeUrls.push(m.typeUrl);
    actions.push({ program: m.typeUrl, kind: m.kind, known: m.known });
    if (!m.known) addFlag('unknown_instruction');
    transfers.push(...m.transfers);
    contracts.push(...m.contracts);
    m.flags.forEach(addFlag);
    for (const n of m.notes) if (!notes.includes(n)) notes.push(n);
    m.inner.forEach(collect);
  };
  tx.messages.forEach((any, i) => collect(decodeMessage(any, { signer, path: `messages.${i}`, depth: 0, field: tx.field })));

  const { granter, payer: feePayer } = tx.fee;
  const payer = granter !== '' ? granter : feePayer !== '' ? feePayer : signer;
  if (granter !== '' && granter !== signer) notes.push(`fee_granter=${granter}`);
  if (feePayer !== '' && feePayer !== signer) notes.push(`fee_payer=${feePayer}`);
  if (payer !== signer) addFlag('fee_delegated');
  const fees: Fee[] = tx.fee.amount.map((coin, i) => {
    const { asset, amount } = parseCoin(coin, `fee.amount.${i}`, tx.field);
    return { asset, amount, payer };
  });

  return {
    chain: 'cosmos',
    network: tx.chainId,
    signer,
    actions,
    programs: typeUrls,
    messageTypes: [...typeUrls],
    contracts,
    transfers,
    fees,
    flags,
    notes,
  };
}
