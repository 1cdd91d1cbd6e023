// Test-only helpers shared by this package's tests (excluded from the build by the `test-*` pattern).
import { encodeSecp256k1Pubkey } from '@cosmjs/amino';
import { encodePubkey, makeAuthInfoBytes, makeSignBytes, makeSignDoc } from '@cosmjs/proto-signing';
import type { Coin } from 'cosmjs-types/cosmos/base/v1beta1/coin';
import { MsgSend } from 'cosmjs-types/cosmos/bank/v1beta1/tx';
import { PubKey } from 'cosmjs-types/cosmos/crypto/secp256k1/keys';
import { TxBody } from 'cosmjs-types/cosmos/tx/v1beta1/tx';
import type { SignDoc } from 'cosmjs-types/cosmos/tx/v1beta1/tx';
import { Any } from 'cosmjs-types/google/protobuf/any';
import type { ChainKey } from '@openkms/core';
import { createSoftwareKeyBackend } from '@openkms/tooling/test-helpers';
import { aminoConverters } from './amino-converters.js';
import { accountAddress } from './cosmos-address.js';
import { PUBKEY_TYPES, SECP256K1_PUBKEY_TYPE_URL } from './pubkey-types.js';

export const PRIVATE_KEY = new Uint8Array(32).fill(0x11);
export const OTHER_PRIVATE_KEY = new Uint8Array(32).fill(0x22);
export const CHAIN_ID = 'cosmoshub-4';
export const RECIPIENT = 'cosmos1qypqxpq9qcrsszg2pvxq6rs0zqg3yyc5lzv7xu';

/** @cosmjs/stargate's default registry plus CosmWasm (what SigningStargateClient / SigningCosmWasmClient encode with). */
export const registry = aminoConverters().protoRegistry;

export async function cosmosTestKeys() {
  const backend = createSoftwareKeyBackend([
    { id: 'k1', curve: 'secp256k1', privateKey: PRIVATE_KEY },
    { id: 'k2', curve: 'secp256k1', privateKey: OTHER_PRIVATE_KEY },
  ]);
  const key = chainKey('cosmos-hot', 'k1', await backend.getPublicKey({ id: 'k1' }));
  const other = chainKey('cosmos-other', 'k2', await backend.getPublicKey({ id: 'k2' }));
  return { backend, key, other };
}

/** A ChainKey with `chain_id: CHAIN_ID` unless `options` says otherwise (`chain_id: undefined` removes it). */
export function chainKey(label: string, id: string, publicKey: Uint8Array, options: Record<string, unknown> = {}): ChainKey {
  const opts = Object.fromEntries(Object.entries({ chain_id: CHAIN_ID, ...options }).filter(([, v]) => v !== undefined));
  const prefix = typeof opts['bech32_prefix'] === 'string' ? opts['bech32_prefix'] : 'cosmos';
  const type = PUBKEY_TYPES[typeof opts['pubkey_type'] === 'string' ? opts['pubkey_type'] : SECP256K1_PUBKEY_TYPE_URL]!;
  return { label, chain: 'cosmos', curve: 'secp256k1', ref: { id }, publicKey, address: accountAddress(publicKey, prefix, type), options: opts };
}

export interface DocSpec {
  readonly signerPubkeys: readonly Uint8Array[];
  readonly messages: readonly { typeUrl: string; value: unknown }[];
  readonly fee?: readonly Coin[];
  readonly chainId?: string;
  readonly memo?: string;
  /** Public-key type URL of the signer infos (default /cosmos.crypto.secp256k1.PubKey). */
  readonly pubkeyTypeUrl?: string;
  readonly feeGranter?: string;
  readonly feePayer?: string;
  readonly nonCriticalExtensionOptions?: readonly Any[];
  readonly extensionOptions?: readonly Any[];
}

/** A real SignDoc built with @cosmjs/proto-signing. */
export function buildSignDoc(spec: DocSpec): { signDoc: SignDoc; bytes: Uint8Array } {
  const anys = spec.messages.map((m) => (m.value instanceof Uint8Array ? Any.fromPartial({ typeUrl: m.typeUrl, value: m.value }) : registry.encodeAsAny(m)));
  const bodyBytes = TxBody.encode({
    ...TxBody.fromPartial({}),
    messages: anys,
    memo: spec.memo ?? 'openkms test',
    ...(spec.nonCriticalExtensionOptions ? { nonCriticalExtensionOptions: [...spec.nonCriticalExtensionOptions] } : {}),
    ...(spec.extensionOptions ? { extensionOptions: [...spec.extensionOptions] } : {}),
  }).finish();
  const pubkeyOf = (pk: Uint8Array) =>
    spec.pubkeyTypeUrl === undefined || spec.pubkeyTypeUrl === SECP256K1_PUBKEY_TYPE_URL
      ? encodePubkey(encodeSecp256k1Pubkey(pk))
      : Any.fromPartial({ typeUrl: spec.pubkeyTypeUrl, value: PubKey.encode({ key: pk }).finish() });
  const signers = spec.signerPubkeys.map((pk, i) => ({ pubkey: pubkeyOf(pk), sequence: BigInt(i + 3) }));
  const authInfoBytes = makeAuthInfoBytes(signers, [...(spec.fee ?? [{ denom: 'uatom', amount: '5000' }])], 200_000, spec.feeGranter, spec.feePayer);
  const signDoc = makeSignDoc(bodyBytes, authInfoBytes, spec.chainId ?? CHAIN_ID, 42);
  return { signDoc, bytes: makeSignBytes(signDoc) };
}

export function msgSend(fromAddress: string, toAddress: string, amount: Coin[]) {
  return { typeUrl: '/cosmos.bank.v1beta1.MsgSend', value: MsgSend.fromPartial({ fromAddress, toAddress, amount }) };
}
