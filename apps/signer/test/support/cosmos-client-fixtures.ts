import type { AminoSignResponse, OfflineAminoSigner, StdSignDoc } from '@cosmjs/amino';
import { encodeSecp256k1Pubkey } from '@cosmjs/amino';
import type { DirectSignResponse, OfflineDirectSigner } from '@cosmjs/proto-signing';
import { encodePubkey, makeAuthInfoBytes, makeSignBytes, makeSignDoc } from '@cosmjs/proto-signing';
import { Registry } from '@cosmjs/proto-signing';
import { defaultRegistryTypes } from '@cosmjs/stargate';
import { MsgExecuteContract } from 'cosmjs-types/cosmwasm/wasm/v1/tx';
import type { SignDoc } from 'cosmjs-types/cosmos/tx/v1beta1/tx';
import type { TestResponse, TestSigner } from './test-signer.js';

/** Cosmos fixtures for the HTTP tests: cosmjs signers that sign through openKMS, and sign docs of any message. */

export const COSMOS_LABEL = 'cosmos-hub-0';
export const COSMOS_CHAIN_ID = 'cosmoshub-4';

/** @cosmjs/stargate's default registry plus CosmWasm execute. */
export const cosmosRegistry = new Registry([...defaultRegistryTypes, ['/cosmwasm.wasm.v1.MsgExecuteContract', MsgExecuteContract]]);

export interface CosmosAccount {
  readonly address: string;
  readonly publicKey: Uint8Array;
}

/** Thrown by the signers below when openKMS refuses: carries the HTTP response. */
export class RefusedError extends Error {
  constructor(readonly res: TestResponse) {
    super(`openKMS refused: ${res.status} ${res.text}`);
  }
}

/** A cosmjs direct signer whose signatures come from POST /sign/cosmos (sign_doc_b64). Remembers the responses. */
export function openKmsDirectSigner(s: TestSigner, account: CosmosAccount, seen: TestResponse[] = []): OfflineDirectSigner {
  return {
    getAccounts: async () => [{ address: account.address, algo: 'secp256k1', pubkey: account.publicKey }],
    signDirect: async (_address: string, signDoc: SignDoc): Promise<DirectSignResponse> => {
      const res = await s.request('POST', '/sign/cosmos', {
        token: s.signerToken,
        body: { label: COSMOS_LABEL, sign_doc_b64: Buffer.from(makeSignBytes(signDoc)).toString('base64'), expected_chain_id: signDoc.chainId },
      });
      seen.push(res);
      if (res.status !== 200) throw new RefusedError(res);
      return { signed: signDoc, signature: { pub_key: res.json.pub_key, signature: res.json.signature_b64 } };
    },
  };
}

/** A cosmjs amino signer whose signatures come from POST /sign/cosmos (sign_mode "amino"). */
export function openKmsAminoSigner(s: TestSigner, account: CosmosAccount, seen: TestResponse[] = [], docs: StdSignDoc[] = []): OfflineAminoSigner {
  return {
    getAccounts: async () => [{ address: account.address, algo: 'secp256k1', pubkey: account.publicKey }],
    signAmino: async (_address: string, signDoc: StdSignDoc): Promise<AminoSignResponse> => {
      docs.push(signDoc);
      const res = await s.request('POST', '/sign/cosmos', {
        token: s.signerToken,
        body: { label: COSMOS_LABEL, sign_mode: 'amino', sign_doc: signDoc, expected_chain_id: signDoc.chain_id },
      });
      seen.push(res);
      if (res.status !== 200) throw new RefusedError(res);
      return { signed: signDoc, signature: { pub_key: res.json.pub_key, signature: res.json.signature_b64 } };
    },
  };
}

/** Direct-mode sign-doc bytes with any messages (EncodeObjects, or raw Anys), signed by `signerPubkey`. */
export function cosmosSignDocBytes(opts: {
  signerPubkey: Uint8Array;
  messages: readonly { typeUrl: string; value: unknown }[];
  fee?: { denom: string; amount: string }[];
  chainId?: string;
  memo?: string;
}): Uint8Array {
  const bodyBytes = cosmosRegistry.encodeTxBody({ messages: [...opts.messages], memo: opts.memo ?? String(Math.random()) });
  const authInfoBytes = makeAuthInfoBytes(
    [{ pubkey: encodePubkey(encodeSecp256k1Pubkey(opts.signerPubkey)), sequence: 0n }],
    opts.fee ?? [{ denom: 'uatom', amount: '5000' }],
    200_000,
    undefined,
    undefined,
  );
  return makeSignBytes(makeSignDoc(bodyBytes, authInfoBytes, opts.chainId ?? COSMOS_CHAIN_ID, 1n));
}

export function signCosmosBytes(s: TestSigner, bytes: Uint8Array, expected = COSMOS_CHAIN_ID): Promise<TestResponse> {
  return s.request('POST', '/sign/cosmos', {
    token: s.signerToken,
    body: { label: COSMOS_LABEL, sign_doc_b64: Buffer.from(bytes).toString('base64'), expected_chain_id: expected },
  });
}
