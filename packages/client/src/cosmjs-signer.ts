import type { AccountData, AminoSignResponse, OfflineAminoSigner, StdSignDoc } from '@cosmjs/amino';
import { makeSignBytes, type DirectSignResponse, type OfflineDirectSigner } from '@cosmjs/proto-signing';
import { base64 } from '@scure/base';
import type { CosmosSignRequest } from './api-types.js';
import type { OpenKmsClient } from './openkms-client.js';
import { assertSameAddress, resolveSigningKey } from './signing-key.js';

export interface OpenKmsCosmjsSignerOptions {
  readonly label: string;
}

/** `getAccounts` answer of both signers: the key's bech32 address and compressed public key from GET /keys. */
function accounts(address: string, publicKeyB64: string): readonly AccountData[] {
  return [{ address, algo: 'secp256k1', pubkey: base64.decode(publicKeyB64) }];
}

/**
 * A cosmjs `OfflineDirectSigner` (SIGN_MODE_DIRECT) over POST /sign/cosmos: `SigningStargateClient.offline(signer)`
 * or `connectWithSigner(url, signer)`. The sign doc's chain id is sent as `expected_chain_id`.
 */
export async function createOpenKmsDirectSigner(client: OpenKmsClient, options: OpenKmsCosmjsSignerOptions): Promise<OfflineDirectSigner> {
  const key = await resolveSigningKey(client, options.label, 'cosmos');
  return Object.freeze({
    getAccounts: async () => accounts(key.address, key.publicKeyB64),
    async signDirect(signerAddress, signDoc): Promise<DirectSignResponse> {
      assertSameAddress(key.address, signerAddress, options.label);
      const res = await client.signCosmos({ label: options.label, sign_doc_b64: base64.encode(makeSignBytes(signDoc)), expected_chain_id: signDoc.chainId });
      return { signed: signDoc, signature: { pub_key: res.pub_key, signature: res.signature_b64 } };
    },
  } satisfies OfflineDirectSigner);
}

/** A cosmjs `OfflineAminoSigner` (SIGN_MODE_LEGACY_AMINO_JSON) over POST /sign/cosmos with `sign_mode: "amino"`. */
export async function createOpenKmsAminoSigner(client: OpenKmsClient, options: OpenKmsCosmjsSignerOptions): Promise<OfflineAminoSigner> {
  const key = await resolveSigningKey(client, options.label, 'cosmos');
  return Object.freeze({
    getAccounts: async () => accounts(key.address, key.publicKeyB64),
    async signAmino(signerAddress: string, signDoc: StdSignDoc): Promise<AminoSignResponse> {
      assertSameAddress(key.address, signerAddress, options.label);
      const res = await client.signCosmos({
        label: options.label,
        sign_mode: 'amino',
        sign_doc: signDoc as NonNullable<CosmosSignRequest['sign_doc']>,
        expected_chain_id: signDoc.chain_id,
      });
      return { signed: signDoc, signature: { pub_key: res.pub_key, signature: res.signature_b64 } };
    },
  } satisfies OfflineAminoSigner);
}
