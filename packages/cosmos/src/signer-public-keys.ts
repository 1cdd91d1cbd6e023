import type { AuthInfo } from 'cosmjs-types/cosmos/tx/v1beta1/tx';
import { PubKey } from 'cosmjs-types/cosmos/crypto/secp256k1/keys';
import { bytesEqual } from '@openkms/core';
import { decodeStrict } from './strict-proto.js';

export const SECP256K1_PUBKEY_TYPE_URL = '/cosmos.crypto.secp256k1.PubKey';

/**
 * The index of the signer_info whose public key is `publicKey` (a `/cosmos.crypto.secp256k1.PubKey`), or -1.
 * Signer infos without a public key, or with another key type (multisig, ed25519, eth keys), never match.
 */
export function findSignerInfo(authInfo: AuthInfo, publicKey: Uint8Array): number {
  return authInfo.signerInfos.findIndex((info) => {
    const any = info.publicKey;
    if (any === undefined || any.typeUrl !== SECP256K1_PUBKEY_TYPE_URL) return false;
    const pub = decodeStrict(PubKey, any.value, 'signer_info public_key');
    return bytesEqual(pub.key, publicKey);
  });
}
