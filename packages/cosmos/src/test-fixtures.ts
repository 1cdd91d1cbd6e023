// Test-only helpers shared by this package's tests (excluded from the build by the `test-*` pattern).
import { encodeSecp256k1Pubkey } from '@cosmjs/amino';
import { Registry, encodePubkey, makeAuthInfoBytes, makeSignBytes, makeSignDoc } from '@cosmjs/proto-signing';
import type { Coin } from 'cosmjs-types/cosmos/base/v1beta1/coin';
import { MsgSend } from 'cosmjs-types/cosmos/bank/v1beta1/tx';
import { MsgDelegate } from 'cosmjs-types/cosmos/staking/v1beta1/tx';
import type { SignDoc } from 'cosmjs-types/cosmos/tx/v1beta1/tx';
import type { ChainKey } from '@openkms/core';
import { createSoftwareKeyBackend } from '@openkms/tooling/test-helpers';
import { cosmosAddress } from './cosmos-address.js';

export const PRIVATE_KEY = new Uint8Array(32).fill(0x11);
export const OTHER_PRIVATE_KEY = new Uint8Array(32).fill(0x22);
export const CHAIN_ID = 'cosmoshub-4';
export const RECIPIENT = 'cosmos1qypqxpq9qcrsszg2pvxq6rs0zqg3yyc5lzv7xu';

export const registry = new Registry([
  ['/cosmos.bank.v1beta1.MsgSend', MsgSend],
  ['/cosmos.staking.v1beta1.MsgDelegate', MsgDelegate],
]);

export async function cosmosTestKeys() {
  const backend = createSoftwareKeyBackend([
    { id: 'k1', curve: 'secp256k1', privateKey: PRIVATE_KEY },
    { id: 'k2', curve: 'secp256k1', privateKey: OTHER_PRIVATE_KEY },
  ]);
  const key = chainKey('cosmos-hot', 'k1', await backend.getPublicKey({ id: 'k1' }));
  const other = chainKey('cosmos-other', 'k2', await backend.getPublicKey({ id: 'k2' }));
  return { backend, key, other };
}

export function chainKey(label: string, id: string, publicKey: Uint8Array, options: Record<string, unknown> = {}): ChainKey {
  const prefix = typeof options['bech32_prefix'] === 'string' ? options['bech32_prefix'] : 'cosmos';
  return { label, chain: 'cosmos', curve: 'secp256k1', ref: { id }, publicKey, address: cosmosAddress(publicKey, prefix), options };
}

export interface DocSpec {
  readonly signerPubkeys: readonly Uint8Array[];
  readonly messages: readonly { typeUrl: string; value: unknown }[];
  readonly fee?: readonly Coin[];
  readonly chainId?: string;
  readonly memo?: string;
}

/** A real SignDoc built with @cosmjs/proto-signing. */
export function buildSignDoc(spec: DocSpec): { signDoc: SignDoc; bytes: Uint8Array } {
  const bodyBytes = registry.encodeTxBody({ messages: [...spec.messages], memo: spec.memo ?? 'openkms test' });
  const signers = spec.signerPubkeys.map((pk, i) => ({ pubkey: encodePubkey(encodeSecp256k1Pubkey(pk)), sequence: BigInt(i + 3) }));
  const authInfoBytes = makeAuthInfoBytes(signers, [...(spec.fee ?? [{ denom: 'uatom', amount: '5000' }])], 200_000, undefined, undefined);
  const signDoc = makeSignDoc(bodyBytes, authInfoBytes, spec.chainId ?? CHAIN_ID, 42);
  return { signDoc, bytes: makeSignBytes(signDoc) };
}

export function msgSend(fromAddress: string, toAddress: string, amount: Coin[]) {
  return { typeUrl: '/cosmos.bank.v1beta1.MsgSend', value: MsgSend.fromPartial({ fromAddress, toAddress, amount }) };
}
