import type { Any } from 'cosmjs-types/google/protobuf/any';
import { MsgSend } from 'cosmjs-types/cosmos/bank/v1beta1/tx';
import type { Transfer } from '@openkms/core';
import { ErrorCode, openKmsError } from '@openkms/core';
import { parseCoin } from './coin-amount.js';
import { decodeStrict } from './strict-proto.js';

export const MSG_SEND_TYPE_URL = '/cosmos.bank.v1beta1.MsgSend';

/**
 * Decodes a `/cosmos.bank.v1beta1.MsgSend` into one transfer per coin (never summed across denoms).
 * The sender must be the signing address (else signer_mismatch); a bad amount fails closed (decode_failed).
 */
export function decodeMsgSend(any: Any, signer: string, index: number): Transfer[] {
  const where = `messages.${index}`;
  const msg = decodeStrict(MsgSend, any.value, where);
  if (msg.fromAddress !== signer) {
    throw openKmsError(ErrorCode.signerMismatch, 'MsgSend from_address is not the signing key', {
      field: 'sign_doc_b64',
      part: where,
      from_address: msg.fromAddress,
      signer,
    });
  }
  return msg.amount.map((coin) => {
    const { asset, amount } = parseCoin(coin, `${where}.amount`);
    return { asset, amount, from: msg.fromAddress, to: msg.toAddress, via: MSG_SEND_TYPE_URL };
  });
}
