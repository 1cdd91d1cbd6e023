import { AuthInfo, SignDoc, TxBody } from 'cosmjs-types/cosmos/tx/v1beta1/tx';
import { ErrorCode, openKmsError } from '@openkms/core';
import type { CosmosTx } from './cosmos-tx.js';
import { decodeStrict } from './strict-proto.js';

/** A direct-mode SignDoc with its body and auth info decoded. */
export interface DecodedSignDoc {
  readonly signDoc: SignDoc;
  readonly body: TxBody;
  readonly authInfo: AuthInfo;
}

function fail(message: string, part: string): never {
  throw openKmsError(ErrorCode.decodeFailed, message, { field: 'sign_doc_b64', part });
}

/**
 * Decodes SIGN_MODE_DIRECT sign-doc bytes strictly: SignDoc, then body_bytes → TxBody and
 * auth_info_bytes → AuthInfo, each required to be canonical protobuf with no unknown fields.
 *
 * Fails closed on a body without messages, on any critical extension option (none is known to this plugin: the
 * chain would act on it: decode_failed) and on a (deprecated) tip (`unsupported`). Non-critical extension options are
 * ignored by chains that do not know them, so they are accepted and recorded (see `directSignDocTx`).
 */
export function decodeSignDoc(bytes: Uint8Array): DecodedSignDoc {
  if (bytes.length === 0) fail('empty sign doc', 'sign_doc');
  const signDoc = decodeStrict(SignDoc, bytes, 'sign_doc');
  const body = decodeStrict(TxBody, signDoc.bodyBytes, 'body_bytes');
  const authInfo = decodeStrict(AuthInfo, signDoc.authInfoBytes, 'auth_info_bytes');
  if (body.messages.length === 0) fail('transaction has no messages', 'body_bytes');
  if (body.extensionOptions.length > 0) {
    throw openKmsError(ErrorCode.decodeFailed, 'critical extension options are not understood by this signer', {
      field: 'sign_doc_b64',
      part: 'body_bytes.extension_options',
      type_urls: body.extensionOptions.map((o) => o.typeUrl),
    });
  }
  if (authInfo.tip !== undefined) throw openKmsError(ErrorCode.unsupported, 'tips are not supported', { field: 'sign_doc_b64', part: 'auth_info_bytes' });
  if (authInfo.fee === undefined) fail('auth_info has no fee', 'auth_info_bytes');
  return { signDoc, body, authInfo };
}

/** The sign-mode-independent view of a decoded direct-mode sign doc. */
export function directSignDocTx(doc: DecodedSignDoc): CosmosTx {
  const fee = doc.authInfo.fee!;
  const notes = doc.body.nonCriticalExtensionOptions.map((o) => `non_critical_extension_option=${o.typeUrl}`);
  if (doc.body.timeoutHeight !== 0n) notes.push(`timeout_height=${doc.body.timeoutHeight}`);
  if (doc.body.unordered) notes.push('unordered=true');
  if (doc.body.timeoutTimestamp !== undefined) notes.push(`timeout_timestamp=${doc.body.timeoutTimestamp.seconds}`);
  notes.push(`account_number=${doc.signDoc.accountNumber}`, `gas_limit=${fee.gasLimit}`);
  return {
    chainId: doc.signDoc.chainId,
    messages: doc.body.messages,
    fee: { amount: fee.amount, payer: fee.payer, granter: fee.granter },
    notes,
    field: 'sign_doc_b64',
  };
}
