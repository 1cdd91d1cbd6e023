import { ErrorCode, openKmsError } from '@openkms/core';
import type { ChainKey, ChainSigner, DecodeContext, DecodedRequest, KeyBackend, SignedResponse } from '@openkms/core';
import { hexToBytes, isHex, keccak256, numberToHex, parseTransaction, recoverAddress, serializeTransaction, toBytes } from 'viem/utils';
import type { Address, Hex, TransactionSerializable } from 'viem';
import { authorizationFromJson, authorizationSigningBytes, buildAuthorizationIntent } from './authorization.js';
import type { EvmAuthorization } from './authorization.js';
import { evmAddress, isCompressedSecp256k1, lowerAddress } from './evm-address.js';
import { evmChainBasics } from './evm-chain-basics.js';
import { createEvmGateway } from './evm-gateway.js';
import { createEvmJsonRpc } from './evm-json-rpc.js';
import { signEvmDigest } from './evm-signature.js';
import type { EvmSignature } from './evm-signature.js';
import { decodeUnsignedTransaction, serializeUnsignedTransaction, transactionFromJson } from './evm-transaction.js';
import type { EvmUnsignedTransaction } from './evm-transaction.js';
import { keyChainId } from './key-option-names.js';
import { buildPersonalMessageIntent, personalMessageSigningBytes } from './personal-message.js';
import { quantity } from './quantity.js';
import type { EvmSignRequest, EvmSignResponse } from './sign-request-schema.js';
import { buildTransactionIntent } from './transaction-intent.js';
import { buildTypedDataIntent } from './typed-data-intent.js';
import { normalizeTypedData, typedDataSigningBytes } from './typed-data.js';
import type { NormalizedTypedData } from './typed-data.js';

/** What `decode` hands to `sign`. */
export type EvmDecoded =
  | { readonly kind: 'transaction'; readonly tx: EvmUnsignedTransaction; readonly signer: Address }
  | { readonly kind: 'typed_data'; readonly typedData: NormalizedTypedData; readonly signer: Address }
  | { readonly kind: 'personal_message'; readonly signer: Address }
  | { readonly kind: 'authorization'; readonly authorization: EvmAuthorization; readonly signer: Address };

/** Plugin options (`[plugins.evm]`): none yet; unknown options are ignored. Key options: see key-option-names.ts. */
export type EvmPluginOptions = Readonly<Record<string, unknown>>;

const PAYLOAD_FIELDS = ['tx', 'tx_hex', 'typed_data', 'message', 'message_hex', 'authorization'] as const;

function invalid(message: string, field: string): never {
  throw openKmsError(ErrorCode.invalidRequest, message, { field });
}

function chainMismatch(what: string, chainId: bigint, expected: bigint, field: string, label?: string): never {
  throw openKmsError(
    ErrorCode.chainIdMismatch,
    `${what} chain id ${chainId} differs from ${label === undefined ? 'expected_chain_id' : 'the key’s chain_id'} ${expected}`,
    {
      field,
      chain_id: chainId.toString(),
      [label === undefined ? 'expected_chain_id' : 'key_chain_id']: expected.toString(),
      ...(label === undefined ? {} : { label }),
    },
  );
}

/** The key's EIP-55 address (a 33-byte compressed secp256k1 key), or wrong_chain. */
export function evmKeyAddress(key: ChainKey): Address {
  if (key.curve !== 'secp256k1' || !isCompressedSecp256k1(key.publicKey)) {
    throw openKmsError(ErrorCode.wrongChain, 'key is not a compressed secp256k1 key usable for EVM chains', { label: key.label, curve: key.curve });
  }
  return evmAddress(key.publicKey);
}

/**
 * Decodes a POST /sign/evm body for `key` into the bytes to sign and their policy facts. Chain ids: the transaction's,
 * the typed-data domain's or the authorization's chain id must equal expected_chain_id and the key's `chain_id`
 * (a typed-data domain without chainId is refused). Pure: the JSON-RPC endpoint reuses it. `context.contracts`: the
 * registered gateway contracts, whose ABIs decode calls to them (see buildTransactionIntent).
 */
export function decodeEvmSignRequest(request: EvmSignRequest, key: ChainKey, context?: DecodeContext): DecodedRequest<EvmDecoded> {
  if (typeof request !== 'object' || request === null || Array.isArray(request)) invalid('request body must be an object', '(root)');
  if (typeof request.label !== 'string') invalid('label must be a string', 'label');
  const present = PAYLOAD_FIELDS.filter((f) => request[f] !== undefined);
  if (present.length !== 1) invalid(`exactly one of ${PAYLOAD_FIELDS.join(', ')} is required`, present[1] ?? '(root)');
  const field = present[0]!;
  const signer = lowerAddress(evmKeyAddress(key));
  const keyChain = keyChainId(key.options, key.label);
  const isMessage = field === 'message' || field === 'message_hex';
  if (request.expected_chain_id === undefined && !isMessage) invalid('expected_chain_id is required', 'expected_chain_id');
  const expected = request.expected_chain_id === undefined ? keyChain : quantity(request.expected_chain_id, 'expected_chain_id');
  if (expected !== keyChain) chainMismatch('expected_chain_id', expected, keyChain, 'expected_chain_id', key.label);
  const checkChain = (what: string, chainId: bigint, f: string) => {
    if (chainId !== expected) chainMismatch(what, chainId, expected, f);
  };

  switch (field) {
    case 'tx':
    case 'tx_hex': {
      const tx = field === 'tx' ? transactionFromJson(request.tx!, expected) : decodeUnsignedTransaction(request.tx_hex!);
      checkChain('the transaction', BigInt(tx.chainId), field === 'tx' ? 'tx.chainId' : 'tx_hex');
      const bytes = hexToBytes(serializeUnsignedTransaction(tx));
      return { decoded: { kind: 'transaction', tx, signer }, intent: buildTransactionIntent(tx, signer, context?.contracts), signingBytes: bytes };
    }
    case 'typed_data': {
      const typedData = normalizeTypedData(request.typed_data!);
      const domainChain = typedData.domain.chainId;
      if (domainChain === undefined) {
        throw openKmsError(ErrorCode.chainIdMismatch, 'typed_data.domain has no chainId: it could be replayed on every chain', {
          field: 'typed_data.domain.chainId',
        });
      }
      checkChain('the typed-data domain', BigInt(domainChain), 'typed_data.domain.chainId');
      return {
        decoded: { kind: 'typed_data', typedData, signer },
        intent: buildTypedDataIntent(typedData, signer, expected),
        signingBytes: typedDataSigningBytes(typedData),
      };
    }
    case 'message':
    case 'message_hex': {
      let bytes: Uint8Array;
      if (field === 'message') {
        if (typeof request.message !== 'string') invalid('message must be a string', 'message');
        bytes = personalMessageSigningBytes(request.message);
      } else {
        const h = request.message_hex;
        if (typeof h !== 'string' || !isHex(h, { strict: true }) || h.length % 2 !== 0) invalid('message_hex must be 0x hex bytes', 'message_hex');
        bytes = personalMessageSigningBytes(toBytes(h));
      }
      return { decoded: { kind: 'personal_message', signer }, intent: buildPersonalMessageIntent(signer, expected), signingBytes: bytes };
    }
    case 'authorization': {
      const authorization = authorizationFromJson(request.authorization!);
      checkChain('the authorization', authorization.chainId, 'authorization.chainId');
      return {
        decoded: { kind: 'authorization', authorization, signer },
        intent: buildAuthorizationIntent(authorization, signer),
        signingBytes: authorizationSigningBytes(authorization),
      };
    }
  }
}

/** A transaction signed and checked: its sender recovers to the key's address. */
export interface SignedEvmTransaction {
  readonly raw: Hex;
  readonly hash: Hex;
  /** The transaction's v: legacy EIP-155 `chainId × 2 + 35 + yParity`, typed transactions the y parity. */
  readonly v: bigint;
  readonly signature: EvmSignature;
}

/**
 * Signs an unsigned transaction with the key and returns the raw signed transaction, after checking that its sender
 * recovers to the key's address (`signature_verification_failed` otherwise). Pure apart from the backend call: the
 * JSON-RPC endpoint reuses it.
 */
export async function signEvmTransaction(tx: EvmUnsignedTransaction, key: ChainKey, backend: KeyBackend): Promise<SignedEvmTransaction> {
  const address = evmKeyAddress(key);
  const digest = hexToBytes(keccak256(serializeUnsignedTransaction(tx)));
  const signature = await signEvmDigest(backend, key, digest);
  const raw = serializeTransaction(tx as TransactionSerializable, {
    r: signature.r,
    s: signature.s,
    yParity: signature.yParity,
    v: 27n + BigInt(signature.yParity),
  });
  let sender: string | undefined;
  try {
    sender = await recoverTransactionSender(raw);
  } catch {
    sender = undefined;
  }
  if (sender === undefined || sender.toLowerCase() !== address.toLowerCase()) {
    throw openKmsError(ErrorCode.signatureVerificationFailed, 'the signed transaction’s sender does not recover to the key’s address', {
      label: key.label,
      key_id: key.ref.id,
    });
  }
  const v = tx.type === 'legacy' ? BigInt(tx.chainId) * 2n + 35n + BigInt(signature.yParity) : BigInt(signature.yParity);
  return { raw, hash: keccak256(raw), v, signature };
}

/** Creates the EVM ChainSigner (POST /sign/evm). */
export function createEvmChainSigner(_options: EvmPluginOptions = {}): ChainSigner<EvmSignRequest, EvmDecoded> {
  return {
    ...evmChainBasics,
    rpc: createEvmJsonRpc(),
    gateway: createEvmGateway(),

    decode(request: EvmSignRequest, key: ChainKey, context?: DecodeContext): DecodedRequest<EvmDecoded> {
      return decodeEvmSignRequest(request, key, context);
    },

    async sign(decoded: DecodedRequest<EvmDecoded>, key: ChainKey, backend: KeyBackend): Promise<SignedResponse> {
      const address = evmKeyAddress(key);
      const digest = keccak256(decoded.signingBytes);
      let signature: EvmSignature;
      let v: bigint;
      let extra: { raw_transaction?: string; tx_hash?: string } = {};
      if (decoded.decoded.kind === 'transaction') {
        const signed = await signEvmTransaction(decoded.decoded.tx, key, backend);
        signature = signed.signature;
        v = signed.v;
        extra = { raw_transaction: signed.raw, tx_hash: signed.hash };
      } else {
        signature = await signEvmDigest(backend, key, hexToBytes(digest));
        v = 27n + BigInt(signature.yParity);
      }
      const body: EvmSignResponse = {
        signer_address: address,
        kind: decoded.decoded.kind,
        digest,
        r: signature.r,
        s: signature.s,
        y_parity: signature.yParity,
        v: numberToHex(v),
        signature: signature.serialized,
        ...extra,
      };
      return { body, signature: hexToBytes(signature.serialized) };
    },
  };
}

/**
 * The sender of a signed transaction, from its own bytes: parsed, serialised again without its signature, hashed and
 * recovered (what viem's recoverTransactionAddress does; written here so the plugin loads viem/utils, not viem's
 * whole index: ~7 MB less RSS).
 */
async function recoverTransactionSender(raw: Hex): Promise<string> {
  const { r, s, v, yParity, ...unsigned } = parseTransaction(raw as never) as TransactionSerializable & { r?: Hex; s?: Hex; v?: bigint; yParity?: number };
  if (r === undefined || s === undefined) throw new Error('the transaction has no signature');
  const hash = keccak256(serializeTransaction({ ...unsigned, sidecars: undefined } as TransactionSerializable));
  return recoverAddress({ hash, signature: { r, s, ...(v !== undefined ? { v } : {}), ...(yParity !== undefined ? { yParity } : {}) } as never });
}
