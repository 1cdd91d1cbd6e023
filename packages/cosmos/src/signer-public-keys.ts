import type { AuthInfo } from 'cosmjs-types/cosmos/tx/v1beta1/tx';
import { PubKey } from 'cosmjs-types/cosmos/crypto/secp256k1/keys';
import { bytesEqual } from '@openkms/core';
import { decodeStrict } from './strict-proto.js';
import { PUBKEY_TYPES, SECP256K1_PUBKEY_TYPE_URL } from './pubkey-types.js';

export { SECP256K1_PUBKEY_TYPE_URL };

/**
 * The index of the signer_info whose public key is `publicKey` with type URL `typeUrl`, or -1.
 * All three accepted key types wrap the same `PubKey { bytes key = 1 }` message. Signer infos without a public key,
 * or with another type (multisig, ed25519, or our key under another key type, whose address and digest differ)
 * never match.
 */
export function findSignerInfo(authInfo: AuthInfo, publicKey: Uint8Array, typeUrl: string = SECP256K1_PUBKEY_TYPE_URL): number {
  return authInfo.signerInfos.findIndex((info) => {
    const any = info.publicKey;
    if (any === undefined || any.typeUrl !== typeUrl) return false;
    const pub = decodeStrict(PubKey, any.value, 'signer_info public_key');
    return bytesEqual(pub.key, publicKey);
  });
}

/** The type URL under which our key appears in the signer infos with another key type than its own, if it does. */
export function signerInfoTypeMismatch(authInfo: AuthInfo, publicKey: Uint8Array, typeUrl: string): string | undefined {
  for (const info of authInfo.signerInfos) {
    const any = info.publicKey;
    if (any === undefined || any.typeUrl === typeUrl || !(any.typeUrl in PUBKEY_TYPES)) continue;
    try {
      if (bytesEqual(PubKey.decode(any.value).key, publicKey)) return any.typeUrl;
    } catch {
      // not a PubKey: it is not ours either
    }
  }
  return undefined;
}
