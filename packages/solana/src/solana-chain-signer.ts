import { createHash } from 'node:crypto';
import { ErrorCode, fromBase64Strict, isOpenKmsError, openKmsError, toBase64 } from '@openkms/core';
import type { ChainKey, ChainSigner, DecodedRequest, KeyBackend, SignedResponse } from '@openkms/core';
import { resolveAccounts } from './account-keys.js';
import type { ResolvedAccount } from './account-keys.js';
import { verifyEd25519 } from './ed25519-verify.js';
import { LookupTableResolver } from './lookup-table-resolver.js';
import { TRANSACTION_AS_MESSAGE_HINT, decodeSolanaMessage, requiredSigners } from './message-decoder.js';
import type { SolanaMessage } from './message-decoder.js';
import { parseSolanaPluginOptions } from './plugin-options.js';
import type { SolanaPluginConfig } from './plugin-options.js';
import { createRpcAccountReader } from './rpc-account-reader.js';
import type { AccountReader } from './rpc-account-reader.js';
import type { AddressLookupTableInput, SolanaSignRequest, SolanaSignResponse } from './sign-request-schema.js';
import { decodeSolanaAddress, solanaAddress, toBase58 } from './solana-address.js';
import { solanaChainBasics } from './solana-chain-basics.js';
import { buildSolanaIntent } from './solana-intent.js';
import { solanaRequestNetwork } from './solana-key-options.js';
import type { SolanaIntentResult } from './solana-intent.js';
import { decodeSolanaTransaction, withSignature } from './transaction-decoder.js';
import type { SolanaTransaction } from './transaction-decoder.js';

/** What `decode` hands to `sign` (and to the audit log): the decoded message and where the key signs in it. */
export interface SolanaDecoded {
  readonly message: SolanaMessage;
  /** Position of the key among the required signers (its signature slot in the transaction). */
  readonly signerIndex: number;
  /** The full account list (static keys, then addresses loaded from trusted lookup tables). */
  readonly accounts: readonly ResolvedAccount[];
  readonly feePayer: string;
  /** Present for `transaction_b64` requests: the bytes as received and their layout. */
  readonly transaction?: { readonly bytes: Uint8Array; readonly decoded: SolanaTransaction };
  readonly details: Omit<SolanaIntentResult, 'intent'>;
}

/** Plugin options as written in config (`[plugins.solana]`): rpc_url, rpc_timeout_ms, lookup_tables; see plugin-options.ts. */
export type SolanaPluginOptions = Readonly<Record<string, unknown>>;

/** Test seams: an AccountReader used instead of the RPC client built from `rpc_url`. */
export interface SolanaSignerDependencies {
  readonly reader?: AccountReader;
}

function invalid(message: string, field: string): never {
  throw openKmsError(ErrorCode.invalidRequest, message, { field });
}

function checkRequest(request: SolanaSignRequest): 'message_b64' | 'transaction_b64' {
  if (typeof request !== 'object' || request === null) invalid('request body must be an object', '(root)');
  if (typeof request.label !== 'string') invalid('label must be a string', 'label');
  const hasMessage = request.message_b64 !== undefined;
  const hasTransaction = request.transaction_b64 !== undefined;
  if (hasMessage === hasTransaction) invalid('send exactly one of message_b64 and transaction_b64', hasMessage ? 'transaction_b64' : 'message_b64');
  const field = hasMessage ? 'message_b64' : 'transaction_b64';
  if (typeof request[field] !== 'string') invalid(`${field} must be a string`, field);
  if (request.expected_chain_id !== undefined && typeof request.expected_chain_id !== 'string') {
    invalid('expected_chain_id must be a string', 'expected_chain_id');
  }
  return field;
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

/** Decodes message_b64, adding a hint when the bytes are really a whole transaction. */
function decodeMessageField(bytes: Uint8Array): SolanaMessage {
  try {
    return decodeSolanaMessage(bytes, 'message_b64');
  } catch (err) {
    if (isOpenKmsError(err) && looksLike(() => decodeSolanaTransaction(bytes))) {
      throw openKmsError(ErrorCode.decodeFailed, `${err.message}; ${TRANSACTION_AS_MESSAGE_HINT}`, { ...err.context, hint: 'use transaction_b64' }, err);
    }
    throw err;
  }
}

/** Decodes transaction_b64, adding a hint when the bytes are really a bare message. */
function decodeTransactionField(bytes: Uint8Array): SolanaTransaction {
  try {
    return decodeSolanaTransaction(bytes);
  } catch (err) {
    if (isOpenKmsError(err) && looksLike(() => decodeSolanaMessage(bytes))) {
      throw openKmsError(
        ErrorCode.decodeFailed,
        `${err.message}; the bytes look like a bare message (no signature slots): send them as message_b64`,
        { ...err.context, hint: 'use message_b64' },
        err,
      );
    }
    throw err;
  }
}

/** The transaction with the key's own slot zeroed, hashed: what shapes `signed_transaction_b64` besides the signature. */
function transactionVariant(tx: NonNullable<SolanaDecoded['transaction']>, signerIndex: number): string {
  const unsigned = withSignature(tx.bytes, tx.decoded, signerIndex, new Uint8Array(64));
  return `transaction:${createHash('sha256').update(unsigned).digest('hex')}`;
}

function looksLike(fn: () => unknown): boolean {
  try {
    fn();
    return true;
  } catch {
    return false;
  }
}

/**
 * Creates the Solana ChainSigner: legacy and v0 messages or whole transactions, lookup tables from trusted sources,
 * System / SPL Token / Token-2022 / ATA / Compute Budget / Memo instructions decoded (see README). Options are
 * validated here (`config_invalid` with the dotted path).
 */
export function createSolanaChainSigner(options: SolanaPluginOptions = {}, deps: SolanaSignerDependencies = {}): ChainSigner<SolanaSignRequest, SolanaDecoded> {
  const config: SolanaPluginConfig = parseSolanaPluginOptions(options);
  const reader = deps.reader ?? (config.rpcUrl === undefined ? undefined : createRpcAccountReader(config.rpcUrl, config.rpcTimeoutMs));
  const resolver = new LookupTableResolver({ pinned: config.lookupTables, ...(reader === undefined ? {} : { reader }) });

  return {
    ...solanaChainBasics,

    async decode(request: SolanaSignRequest, key: ChainKey): Promise<DecodedRequest<SolanaDecoded>> {
      const field = checkRequest(request);
      const signer = checkKey(key);
      const network = solanaRequestNetwork(request.expected_chain_id, key);
      const bytes = fromBase64Strict(request[field]!);
      if (bytes === undefined) throw openKmsError(ErrorCode.decodeFailed, `${field} is not strict base64`, { field });
      checkLookupTables(request.address_lookup_tables);

      let message: SolanaMessage;
      let signingBytes: Uint8Array;
      let transaction: SolanaDecoded['transaction'];
      if (field === 'transaction_b64') {
        const decoded = decodeTransactionField(bytes);
        message = decoded.message;
        signingBytes = decoded.messageBytes;
        transaction = { bytes, decoded };
      } else {
        message = decodeMessageField(bytes);
        signingBytes = bytes;
      }

      const signers = requiredSigners(message);
      const signerIndex = signers.indexOf(signer);
      if (signerIndex < 0) {
        throw openKmsError(ErrorCode.signerMismatch, 'key is not a required signer of this message', {
          label: key.label,
          signer,
          required_signers: signers,
        });
      }
      const loaded = await resolver.resolve(message.addressTableLookups, request.address_lookup_tables);
      const accounts = resolveAccounts(message, loaded, field);
      const { intent, ...details } = await buildSolanaIntent({
        message,
        accounts,
        signer,
        ...(network === undefined ? {} : { network }),
        ...(reader === undefined ? {} : { reader }),
      });
      const feePayer = message.staticAccounts[0]!;
      return {
        decoded: { message, signerIndex, accounts, feePayer, ...(transaction === undefined ? {} : { transaction }), details },
        intent,
        signingBytes,
        // the signed transaction returned depends on the other slots: a replay must match them too
        ...(transaction === undefined ? {} : { replayVariant: transactionVariant(transaction, signerIndex) }),
      };
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
      const tx = decoded.decoded.transaction;
      const body: SolanaSignResponse = {
        signature_b64: toBase64(signature),
        signature_b58: toBase58(signature),
        signer_address: signer,
        fee_payer: decoded.decoded.feePayer,
        ...(tx === undefined ? {} : { signed_transaction_b64: toBase64(withSignature(tx.bytes, tx.decoded, decoded.decoded.signerIndex, signature)) }),
      };
      return { body, signature };
    },
  };
}
