import { sha256 } from '@noble/hashes/sha2.js';
import { CHAIN_PLUGIN_API_VERSION, ErrorCode, fromBase64Strict, openKmsError, toBase64 } from '@openkms/core';
import type { ChainKey, ChainSigner, DecodedRequest, KeyBackend, SignedResponse } from '@openkms/core';
import { DEFAULT_BECH32_PREFIX, bech32PrefixOf, cosmosAddress, isCompressedSecp256k1 } from './cosmos-address.js';
import { buildCosmosIntent } from './cosmos-intent.js';
import { cosmosKeyNetwork, cosmosKeyOptionsSchema } from './cosmos-key-options.js';
import { checkCosmosPolicyId, cosmosPolicyAliases } from './cosmos-policy-ids.js';
import { verifySecp256k1 } from './secp256k1-verify.js';
import { decodeSignDoc } from './sign-doc-decoder.js';
import type { DecodedSignDoc } from './sign-doc-decoder.js';
import { cosmosSignRequestSchema, cosmosSignResponseSchema } from './sign-request-schema.js';
import type { CosmosSignRequest, CosmosSignResponse } from './sign-request-schema.js';
import { findSignerInfo } from './signer-public-keys.js';

/** What `decode` hands to `sign`: the decoded sign doc and the key's position among the signer infos. */
export interface CosmosDecoded extends DecodedSignDoc {
  readonly signerInfoIndex: number;
  readonly signerAddress: string;
}

/**
 * Plugin options (`[plugins.cosmos]`): `bech32_prefix` sets the default prefix for keys that do not set their own
 * (default "cosmos"). Unknown options are ignored.
 *
 * Key options (`cosmosKeyOptionsSchema`): `chain_id` (required by the signer: sign docs for another chain id are
 * refused), `bech32_prefix` (address prefix).
 */
export type CosmosPluginOptions = Readonly<Record<string, unknown>>;

function invalid(message: string, field: string): never {
  throw openKmsError(ErrorCode.invalidRequest, message, { field });
}

function checkRequest(request: CosmosSignRequest): void {
  if (typeof request !== 'object' || request === null) invalid('request body must be an object', '(root)');
  if (typeof request.label !== 'string') invalid('label must be a string', 'label');
  if (typeof request.sign_doc_b64 !== 'string') invalid('sign_doc_b64 must be a string', 'sign_doc_b64');
  if (typeof request.expected_chain_id !== 'string' || request.expected_chain_id.length === 0) {
    invalid('expected_chain_id is required', 'expected_chain_id');
  }
}

/** Creates the Cosmos ChainSigner (SIGN_MODE_DIRECT sign docs; see README for what is decoded). */
export function createCosmosChainSigner(options: CosmosPluginOptions = {}): ChainSigner<CosmosSignRequest, CosmosDecoded> {
  const defaultPrefix = bech32PrefixOf(options, DEFAULT_BECH32_PREFIX);

  function keyAddress(key: ChainKey): string {
    if (key.curve !== 'secp256k1' || !isCompressedSecp256k1(key.publicKey)) {
      throw openKmsError(ErrorCode.wrongChain, 'key is not a compressed secp256k1 key usable for Cosmos', { label: key.label, curve: key.curve });
    }
    return cosmosAddress(key.publicKey, bech32PrefixOf(key.options, defaultPrefix));
  }

  return {
    chain: 'cosmos',
    apiVersion: CHAIN_PLUGIN_API_VERSION,
    curve: 'secp256k1',
    requestSchema: cosmosSignRequestSchema,
    responseSchema: cosmosSignResponseSchema,
    summary: 'Sign a Cosmos SDK SignDoc (direct mode) with a secp256k1 key',
    keyOptionsSchema: cosmosKeyOptionsSchema,
    network: cosmosKeyNetwork,
    checkPolicyId: (kind, value, keyOptions) => checkCosmosPolicyId(kind, value, keyOptions, defaultPrefix),
    policyAliases: cosmosPolicyAliases,

    address(publicKey: Uint8Array, keyOptions: Readonly<Record<string, unknown>>): string {
      if (!isCompressedSecp256k1(publicKey)) {
        throw openKmsError(ErrorCode.wrongChain, 'a Cosmos key is a 33-byte compressed secp256k1 public key', { length: publicKey.length });
      }
      return cosmosAddress(publicKey, bech32PrefixOf(keyOptions, defaultPrefix));
    },

    decode(request: CosmosSignRequest, key: ChainKey): DecodedRequest<CosmosDecoded> {
      checkRequest(request);
      const signer = keyAddress(key);
      const bytes = fromBase64Strict(request.sign_doc_b64);
      if (bytes === undefined) throw openKmsError(ErrorCode.decodeFailed, 'sign_doc_b64 is not strict base64', { field: 'sign_doc_b64' });

      const doc = decodeSignDoc(bytes);
      const chainId = doc.signDoc.chainId;
      if (chainId !== request.expected_chain_id) {
        throw openKmsError(ErrorCode.chainIdMismatch, 'sign doc chain_id differs from expected_chain_id', {
          field: 'expected_chain_id',
          chain_id: chainId,
          expected_chain_id: request.expected_chain_id,
        });
      }
      const pinned = key.options['chain_id'];
      if (pinned !== undefined && pinned !== chainId) {
        throw openKmsError(ErrorCode.chainIdMismatch, 'sign doc chain_id is not the chain this key is configured for', {
          field: 'expected_chain_id',
          chain_id: chainId,
          label: key.label,
        });
      }
      const signerInfoIndex = findSignerInfo(doc.authInfo, key.publicKey);
      if (signerInfoIndex < 0) {
        throw openKmsError(ErrorCode.signerMismatch, "key's public key is not among the transaction's signer infos", { label: key.label, signer });
      }
      const intent = buildCosmosIntent(doc, signer);
      return { decoded: { ...doc, signerInfoIndex, signerAddress: signer }, intent, signingBytes: bytes };
    },

    async sign(decoded: DecodedRequest<CosmosDecoded>, key: ChainKey, backend: KeyBackend): Promise<SignedResponse> {
      const signer = keyAddress(key);
      const digest = sha256(decoded.signingBytes);
      const { signature } = await backend.signSecp256k1(key.ref, digest);
      if (!(await verifySecp256k1(key.publicKey, digest, signature))) {
        throw openKmsError(ErrorCode.signatureVerificationFailed, 'backend returned a secp256k1 signature that does not verify or is not low-S', {
          label: key.label,
          key_id: key.ref.id,
        });
      }
      const body: CosmosSignResponse = { signature_b64: toBase64(signature), signer_address: signer };
      return { body, signature };
    },
  };
}
