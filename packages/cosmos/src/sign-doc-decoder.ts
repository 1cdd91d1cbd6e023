import { AuthInfo, SignDoc, TxBody } from 'cosmjs-types/cosmos/tx/v1beta1/tx';
import { ErrorCode, openKmsError } from '@openkms/core';
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
 * Also fails closed on a body without messages (decode_failed) and on what this plugin cannot show to policy yet
 * (`unsupported`): extension options (critical or not) and a (deprecated) tip.
 */
export function decodeSignDoc(bytes: Uint8Array): DecodedSignDoc {
  if (bytes.length === 0) fail('empty sign doc', 'sign_doc');
  const signDoc = decodeStrict(SignDoc, bytes, 'sign_doc');
  const body = decodeStrict(TxBody, signDoc.bodyBytes, 'body_bytes');
  const authInfo = decodeStrict(AuthInfo, signDoc.authInfoBytes, 'auth_info_bytes');
  if (body.messages.length === 0) fail('transaction has no messages', 'body_bytes');
  // well-formed, but not something this plugin can show to policy: `unsupported`, not a decoding failure
  if (body.extensionOptions.length > 0 || body.nonCriticalExtensionOptions.length > 0) {
    throw openKmsError(ErrorCode.unsupported, 'extension options are not supported', { field: 'sign_doc_b64', part: 'body_bytes' });
  }
  if (authInfo.tip !== undefined) throw openKmsError(ErrorCode.unsupported, 'tips are not supported', { field: 'sign_doc_b64', part: 'auth_info_bytes' });
  return { signDoc, body, authInfo };
}
