import { CHAIN_PLUGIN_API_VERSION, ErrorCode, fromBase64Strict, openKmsError, toBase64 } from '@openkms/core';
import type { ChainKey, ChainSigner, DecodedRequest, KeyBackend, SignedResponse } from '@openkms/core';
import { verifyEd25519 } from './ed25519-verify.js';
import { decodeLegacyMessage, requiredSigners } from './legacy-message-decoder.js';
import type { LegacyMessage } from './legacy-message-decoder.js';
import { solanaSignRequestSchema, solanaSignResponseSchema } from './sign-request-schema.js';
import type { AddressLookupTableInput, SolanaSignRequest, SolanaSignResponse } from './sign-request-schema.js';
import { decodeSolanaAddress, solanaAddress, toBase58 } from './solana-address.js';
import { buildSolanaIntent } from './solana-intent.js';
import { solanaKeyNetwork, solanaKeyOptionsSchema, solanaRequestNetwork } from './solana-key-options.js';
import { checkSolanaPolicyId, solanaPolicyAliases } from './solana-policy-ids.js';

/** What `decode` hands to `sign` (and to the audit log): the decoded message and where the key signs in it. */
export interface SolanaDecoded {
  readonly message: LegacyMessage;
  /** Position of the key among the required signers (its signature slot in the transaction). */
  readonly signerIndex: number;
}

/** Plugin options (`[plugins.solana]` in the signer config). None are defined yet; unknown ones are ignored. */
export type SolanaPluginOptions = Readonly<Record<string, unknown>>;

function invalid(message: string, field: string): never {
  throw openKmsError(ErrorCode.invalidRequest, message, { field });
}

function checkRequest(request: SolanaSignRequest): void {
  if (typeof request !== 'object' || request === null) invalid('request body must be an object', '(root)');
  if (typeof request.label !== 'string') invalid('label must be a string', 'label');
  if (typeof request.message_b64 !== 'string') invalid('message_b64 must be a string', 'message_b64');
  if (request.expected_chain_id !== undefined && typeof request.expected_chain_id !== 'string') {
    invalid('expected_chain_id must be a string', 'expected_chain_id');
  }
}

function checkLookupTables(tables: readonly AddressLookupTableInput[] | undefined): void {
  if (tables === undefined) return;
  if (!Array.isArray(tables)) invalid('address_lookup_tables must be an array', 'address_lookup_tables');
  tables.forEach((table, i) => {
    const field = `address_lookup_tables.${i}`;
    if (typeof table !== 'object' || table === null || typeof table.key !== 'string' || !Array.isArray(table.addresses)) {
      invalid('lookup table must be {key, addresses[]}', field);
    }
    const all = [table.key, ...table.addresses];
    for (const address of all) {
      if (typeof address !== 'string' || decodeSolanaAddress(address) === undefined) {
        throw openKmsError(ErrorCode.decodeFailed, 'lookup table entry is not a base58 32-byte address', { field });
      }
    }
  });
}

function checkKey(key: ChainKey): string {
  if (key.curve !== 'ed25519' || key.publicKey.length !== 32) {
    throw openKmsError(ErrorCode.wrongChain, 'key is not an ed25519 key usable for Solana', { label: key.label, curve: key.curve });
  }
  return solanaAddress(key.publicKey);
}

/** Creates the Solana ChainSigner (legacy messages, System transfers; see README for what is decoded). */
export function createSolanaChainSigner(_options: SolanaPluginOptions = {}): ChainSigner<SolanaSignRequest, SolanaDecoded> {
  return {
    chain: 'solana',
    apiVersion: CHAIN_PLUGIN_API_VERSION,
    curve: 'ed25519',
    requestSchema: solanaSignRequestSchema,
    responseSchema: solanaSignResponseSchema,
    summary: 'Sign a Solana message (legacy format) with an ed25519 key',
    keyOptionsSchema: solanaKeyOptionsSchema,
    network: solanaKeyNetwork,
    checkPolicyId: checkSolanaPolicyId,
    policyAliases: solanaPolicyAliases,

    address(publicKey: Uint8Array): string {
      if (publicKey.length !== 32) {
        throw openKmsError(ErrorCode.wrongChain, 'a Solana key is a 32-byte ed25519 public key', { length: publicKey.length });
      }
      return solanaAddress(publicKey);
    },

    decode(request: SolanaSignRequest, key: ChainKey): DecodedRequest<SolanaDecoded> {
      checkRequest(request);
      const signer = checkKey(key);
      const network = solanaRequestNetwork(request.expected_chain_id, key);
      const bytes = fromBase64Strict(request.message_b64);
      if (bytes === undefined) throw openKmsError(ErrorCode.decodeFailed, 'message_b64 is not strict base64', { field: 'message_b64' });
      checkLookupTables(request.address_lookup_tables);

      const message = decodeLegacyMessage(bytes);
      const signerIndex = requiredSigners(message).indexOf(signer);
      if (signerIndex < 0) {
        throw openKmsError(ErrorCode.signerMismatch, 'key is not a required signer of this message', {
          label: key.label,
          signer,
          required_signers: requiredSigners(message),
        });
      }
      const intent = buildSolanaIntent(message, signer, network);
      return { decoded: { message, signerIndex }, intent, signingBytes: bytes };
    },

    async sign(decoded: DecodedRequest<SolanaDecoded>, key: ChainKey, backend: KeyBackend): Promise<SignedResponse> {
      const signer = checkKey(key);
      const signature = await backend.signEd25519(key.ref, decoded.signingBytes);
      if (!verifyEd25519(key.publicKey, decoded.signingBytes, signature)) {
        throw openKmsError(ErrorCode.signatureVerificationFailed, 'backend returned an ed25519 signature that does not verify', {
          label: key.label,
          key_id: key.ref.id,
        });
      }
      const body: SolanaSignResponse = {
        signature_b64: toBase64(signature),
        signature_b58: toBase58(signature),
        signer_address: signer,
      };
      return { body, signature };
    },
  };
}
