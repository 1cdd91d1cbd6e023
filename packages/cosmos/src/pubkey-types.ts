import { ErrorCode, openKmsError } from '@openkms/core';

export const SECP256K1_PUBKEY_TYPE_URL = '/cosmos.crypto.secp256k1.PubKey';
export const ETHERMINT_PUBKEY_TYPE_URL = '/ethermint.crypto.v1.ethsecp256k1.PubKey';
export const INJECTIVE_PUBKEY_TYPE_URL = '/injective.crypto.v1beta1.ethsecp256k1.PubKey';

/** A public-key type a Cosmos key can be: how its address is derived and what digest its signatures cover. */
export interface PubkeyType {
  /** Protobuf type URL of the public key in `auth_info.signer_infos[].public_key`. */
  readonly typeUrl: string;
  /** Amino JSON name of the public key (the `pub_key.type` of a legacy StdSignature). */
  readonly aminoType: string;
  /**
   * Ethermint-style: address = last 20 bytes of keccak256(uncompressed key without 0x04), signature over
   * keccak256(sign bytes). Otherwise: address = ripemd160(sha256(compressed key)), signature over sha256(sign bytes).
   */
  readonly ethStyle: boolean;
}

export const PUBKEY_TYPES: Readonly<Record<string, PubkeyType>> = {
  [SECP256K1_PUBKEY_TYPE_URL]: { typeUrl: SECP256K1_PUBKEY_TYPE_URL, aminoType: 'tendermint/PubKeySecp256k1', ethStyle: false },
  [ETHERMINT_PUBKEY_TYPE_URL]: { typeUrl: ETHERMINT_PUBKEY_TYPE_URL, aminoType: 'ethermint/PubKeyEthSecp256k1', ethStyle: true },
  [INJECTIVE_PUBKEY_TYPE_URL]: { typeUrl: INJECTIVE_PUBKEY_TYPE_URL, aminoType: 'injective/PubKeyEthSecp256k1', ethStyle: true },
};

/**
 * The public-key types keys may use unless the plugin option `accepted_pubkey_type_urls` narrows them: all three,
 * as the original openKMS's `[cosmos] accepted_pubkey_type_urls` default.
 */
export const DEFAULT_ACCEPTED_PUBKEY_TYPE_URLS: readonly string[] = Object.keys(PUBKEY_TYPES);

/** The plugin option `accepted_pubkey_type_urls` (default: all known types). Unknown or malformed → config_invalid. */
export function acceptedPubkeyTypeUrlsOf(options: Readonly<Record<string, unknown>>): ReadonlySet<string> {
  const raw = options['accepted_pubkey_type_urls'] ?? DEFAULT_ACCEPTED_PUBKEY_TYPE_URLS;
  if (!Array.isArray(raw) || raw.length === 0 || !raw.every((u) => typeof u === 'string' && u in PUBKEY_TYPES)) {
    throw openKmsError(ErrorCode.configInvalid, `accepted_pubkey_type_urls must be a non-empty list of: ${DEFAULT_ACCEPTED_PUBKEY_TYPE_URLS.join(', ')}`, {
      field: 'accepted_pubkey_type_urls',
    });
  }
  return new Set(raw as string[]);
}

/**
 * The key's public-key type from its `pubkey_type` option (default `/cosmos.crypto.secp256k1.PubKey`). A type that
 * is unknown or not among `accepted` is a configuration error (config_invalid).
 */
export function pubkeyTypeOf(keyOptions: Readonly<Record<string, unknown>>, accepted: ReadonlySet<string>): PubkeyType {
  const raw = keyOptions['pubkey_type'] ?? SECP256K1_PUBKEY_TYPE_URL;
  const type = typeof raw === 'string' ? PUBKEY_TYPES[raw] : undefined;
  if (type === undefined || !accepted.has(type.typeUrl)) {
    throw openKmsError(ErrorCode.configInvalid, `pubkey_type must be one of the accepted public-key types: ${[...accepted].join(', ')}`, {
      field: 'pubkey_type',
    });
  }
  return type;
}
