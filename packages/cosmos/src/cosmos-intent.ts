import type { Fee, Intent, IntentAction, IntentFlag, Transfer } from '@openkms/core';
import { MSG_SEND_TYPE_URL, decodeMsgSend } from './bank-msg-send.js';
import { parseCoin } from './coin-amount.js';
import type { DecodedSignDoc } from './sign-doc-decoder.js';

/**
 * Turns a decoded sign doc into policy facts.
 *
 * - network: the sign doc's chain_id; signer: the key's bech32 address.
 * - actions: one per message. MsgSend is known (kind `MsgSend`); other type URLs are `unknown` (known=false)
 *   and add the `unknown_instruction` flag.
 * - programs and messageTypes: distinct type URLs, first-seen order.
 * - transfers: one per MsgSend coin, asset `denom:<denom>`.
 * - fees: one per auth_info.fee coin, asset `denom:<denom>`, never summed.
 */
export function buildCosmosIntent(doc: DecodedSignDoc, signer: string): Intent {
  const actions: IntentAction[] = [];
  const typeUrls: string[] = [];
  const transfers: Transfer[] = [];
  const flags: IntentFlag[] = [];

  doc.body.messages.forEach((any, i) => {
    if (!typeUrls.includes(any.typeUrl)) typeUrls.push(any.typeUrl);
    if (any.typeUrl === MSG_SEND_TYPE_URL) {
      transfers.push(...decodeMsgSend(any, signer, i));
      actions.push({ program: any.typeUrl, kind: 'MsgSend', known: true });
      return;
    }
    actions.push({ program: any.typeUrl, kind: 'unknown', known: false });
    if (!flags.includes('unknown_instruction')) flags.push('unknown_instruction');
  });

  const fees: Fee[] = (doc.authInfo.fee?.amount ?? []).map((coin, i) => {
    const { asset, amount } = parseCoin(coin, `fee.amount.${i}`);
    return { asset, amount };
  });

  return {
    chain: 'cosmos',
    network: doc.signDoc.chainId,
    signer,
    actions,
    programs: typeUrls,
    messageTypes: [...typeUrls],
    contracts: [],
    transfers,
    fees,
    flags,
  };
}
