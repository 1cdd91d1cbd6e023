import { ErrorCode, fromBase64Strict, openKmsError, toBase64 } from '@openkms/core';
import type { ChainKey, ChainSigner, DecodedRequest, KeyBackend, SignedResponse } from '@openkms/core';
import { decodeAminoSignDoc } from './amino-sign-doc.js';
import { DEFAULT_BECH32_PREFIX, accountAddress, bech32PrefixOf, isCompressedSecp256k1 } from './cosmos-address.js';
import { buildCosmosIntent } from './cosmos-intent.js';
import type { CosmosTx } from './cosmos-tx.js';
import type { PubkeyType } from './pubkey-types.js';
import { acceptedPubkeyTypeUrlsOf, pubkeyTypeOf } from './pubkey-types.js';
import { cosmosChainBasics } from './cosmos-chain-basics.js';
import { verifySecp256k1 } from './secp256k1-verify.js';
import { decodeSignDoc, directSignDocTx } from './sign-doc-decoder.js';
import type { CosmosSignMode, CosmosSignRequest, CosmosSignResponse } from './sign-request-schema.js';
import { findSignerInfo, signerInfoTypeMismatch } from './signer-public-keys.js';
import { signingDigest } from './signing-digest.js';

/** What `decode` hands to `sign`. */
export interface CosmosDecoded {
  readonly signMode: CosmosSignMode;
  /** Direct mode: the key's position among the signer infos; amino mode: -1 (a StdSignDoc names no keys). */
  readonly signerInfoIndex: number;
  readonly signerAddress: string;
  readonly pubkeyType: PubkeyType;
  readonly tx: CosmosTx;
}

/**
 * Plugin options (`[plugins.cosmos]`): `bech32_prefix` (default prefix for keys without their own, default
 * "cosmos"), `accepted_pubkey_type_urls` (public-key types keys may use; default all three). Unknown options are
 * ignored.
 *
 * Key options (`cosmosKeyOptionsSchema`): `chain_id` (required: sign docs for another chain id are refused),
 * `bech32_prefix` (address prefix), `pubkey_type`.
 */
export type CosmosPluginOptions = Readonly<Record<string, unknown>>;

function invalid(message: string, field: string): never {
  throw openKmsError(ErrorCode.invalidRequest, message, { field });
}

function checkRequest(request: CosmosSignRequest): CosmosSignMode {
  if (typeof request !== 'object' || request === null) invalid('request body must be an object', '(root)');
  if (typeof request.label !== 'string') invalid('label must be a string', 'label');
  if (typeof request.expected_chain_id !== 'string' || request.expected_chain_id.length === 0) {
    invalid('expected_chain_id is required', 'expected_chain_id');
  }
  const mode = request.sign_mode ?? 'direct';
  if (mode === 'direct') {
    if (typeof request.sign_doc_b64 !== 'string') invalid('sign_doc_b64 must be a string', 'sign_doc_b64');
    if (request.sign_doc !== undefined) invalid('sign_doc is for sign_mode "amino"', 'sign_doc');
  } else if (mode === 'amino') {
    if (typeof request.sign_doc !== 'object' || request.sign_doc === null) invalid('sign_doc must be an object', 'sign_doc');
    if (request.sign_doc_b64 !== undefined) invalid('sign_doc_b64 is for sign_mode "direct"', 'sign_doc_b64');
  } else {
    invalid('sign_mode must be "direct" or "amino"', 'sign_mode');
  }
  return mode;
}

/** Creates the Cosmos ChainSigner (direct and amino sign docs; see README for what is decoded). */
export function createCosmosChainSigner(options: CosmosPluginOptions = {}): ChainSigner<CosmosSignRequest, CosmosDecoded> {
  const defaultPrefix = bech32PrefixOf(options, DEFAULT_BECH32_PREFIX);
  const accepted = acceptedPubkeyTypeUrlsOf(options);

  function keyFacts(key: ChainKey): { address: string; type: PubkeyType } {
    if (key.curve !== 'secp256k1' || !isCompressedSecp256k1(key.publicKey)) {
      throw openKmsError(ErrorCode.wrongChain, 'key is not a compressed secp256k1 key usable for Cosmos', { label: key.label, curve: key.curve });
    }
    const type = pubkeyTypeOf(key.options, accepted);
    return { address: accountAddress(key.publicKey, bech32PrefixOf(key.options, defaultPrefix), type), type };
  }

  function checkChainId(chainId: string, request: CosmosSignRequest, key: ChainKey, field: string): void {
    if (chainId !== request.expected_chain_id) {
      throw openKmsError(ErrorCode.chainIdMismatch, 'the document chain_id differs from expected_chain_id', {
        field,
        chain_id: chainId,
        expected_chain_id: request.expected_chain_id,
      });
    }
    const pinned = key.options['chain_id'];
    if (typeof pinned !== 'string' || pinned.length === 0) {
      throw openKmsError(ErrorCode.configInvalid, `key ${key.label} has no chain_id option: a Cosmos key must name its chain`, {
        field: 'chain_id',
        label: key.label,
      });
    }
    if (pinned !== chainId) {
      throw openKmsError(ErrorCode.chainIdMismatch, 'the document chain_id is not the chain_id this key is configured for', {
        field,
        chain_id: chainId,
        key_chain_id: pinned,
        label: key.label,
      });
    }
  }

  return {
    ...cosmosChainBasics(options),

    decode(request: CosmosSignRequest, key: ChainKey): DecodedRequest<CosmosDecoded> {
      const mode = checkRequest(request);
      const { address: signer, type } = keyFacts(key);

      if (mode === 'amino') {
        const amino = decodeAminoSignDoc(request.sign_doc);
        checkChainId(amino.tx.chainId, request, key, 'sign_doc');
        const intent = buildCosmosIntent(amino.tx, signer);
        return {
          decoded: { signMode: mode, signerInfoIndex: -1, signerAddress: signer, pubkeyType: type, tx: amino.tx },
          intent,
          signingBytes: amino.signBytes,
        };
      }

      const bytes = fromBase64Strict(request.sign_doc_b64!);
      if (bytes === undefined) throw openKmsError(ErrorCode.decodeFailed, 'sign_doc_b64 is not strict base64', { field: 'sign_doc_b64' });
      const doc = decodeSignDoc(bytes);
      checkChainId(doc.signDoc.chainId, request, key, 'expected_chain_id');
      const signerInfoIndex = findSignerInfo(doc.authInfo, key.publicKey, type.typeUrl);
      if (signerInfoIndex < 0) {
        const other = signerInfoTypeMismatch(doc.authInfo, key.publicKey, type.typeUrl);
        const message =
          other === undefined
            ? "the key's pubkey is not among the transaction's signer infos"
            : `the key's pubkey appears as ${other} but the key is configured as ${type.typeUrl}`;
        throw openKmsError(ErrorCode.signerMismatch, message, { label: key.label, signer, pubkey_type: type.typeUrl });
      }
      const tx = directSignDocTx(doc);
      const intent = buildCosmosIntent(tx, signer);
      return { decoded: { signMode: mode, signerInfoIndex, signerAddress: signer, pubkeyType: type, tx }, intent, signingBytes: bytes };
    },

    async sign(decoded: DecodedRequest<CosmosDecoded>, key: ChainKey, backend: KeyBackend): Promise<SignedResponse> {
      const { address: signer, type } = keyFacts(key);
      const digest = signingDigest(decoded.signingBytes, type);
      const { signature } = await backend.signSecp256k1(key.ref, digest);
      if (!(await verifySecp256k1(key.publicKey, digest, signature))) {
        throw openKmsError(ErrorCode.signatureVerificationFailed, 'backend returned a secp256k1 signature that does not verify or is not low-S', {
          label: key.label,
          key_id: key.ref.id,
        });
      }
      const body: CosmosSignResponse = {
        signature_b64: toBase64(signature),
        signer_address: signer,
        pub_key: { type: type.aminoType, value: toBase64(key.publicKey) },
      };
      return { body, signature };
    },
  };
}
