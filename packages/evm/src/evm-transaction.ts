import { ErrorCode, openKmsError } from '@openkms/core';
import { isHex, parseTransaction, serializeTransaction } from 'viem/utils';
import type { AccessList, Address, Hex, SignedAuthorizationList, TransactionSerializable } from 'viem';
import { readAddress } from './evm-address.js';
import { quantity } from './quantity.js';
import type { EvmTransactionJson } from './sign-request-schema.js';

/** The transaction types this plugin signs (4844 and 7702 only when the policy allows their risk flags). */
export type EvmTransactionType = 'legacy' | 'eip2930' | 'eip1559' | 'eip4844' | 'eip7702';

/** An unsigned transaction, as viem serializes it, with its type and chain id always set. */
export type EvmUnsignedTransaction = TransactionSerializable & { readonly type: EvmTransactionType; readonly chainId: number };

const TYPE_ALIASES: Readonly<Record<string, EvmTransactionType>> = {
  legacy: 'legacy',
  '0x0': 'legacy',
  eip2930: 'eip2930',
  '0x1': 'eip2930',
  eip1559: 'eip1559',
  '0x2': 'eip1559',
  eip4844: 'eip4844',
  '0x3': 'eip4844',
  eip7702: 'eip7702',
  '0x4': 'eip7702',
};

function invalid(message: string, field: string): never {
  throw openKmsError(ErrorCode.invalidRequest, message, { field });
}

function readHexData(value: unknown, field: string): Hex {
  if (typeof value !== 'string' || !isHex(value, { strict: true }) || value.length % 2 !== 0)
    invalid(`${field} must be 0x-prefixed hex with whole bytes`, field);
  return value.toLowerCase() as Hex;
}

function readBytes32(value: unknown, field: string): Hex {
  if (typeof value !== 'string' || !/^0x[0-9a-fA-F]{64}$/.test(value)) invalid(`${field} must be 32 bytes of 0x hex`, field);
  return value.toLowerCase() as Hex;
}

/** A chain id that viem can hold (a JS number): larger ids are refused as unsupported, not truncated. */
export function chainIdNumber(id: bigint, field: string): number {
  if (id === 0n) throw openKmsError(ErrorCode.chainIdMismatch, `${field} must not be 0 (a transaction valid on every chain)`, { field });
  if (id > BigInt(Number.MAX_SAFE_INTEGER))
    throw openKmsError(ErrorCode.unsupported, `${field} ${id} is larger than this signer supports (2^53 - 1)`, { field });
  return Number(id);
}

function inferType(json: EvmTransactionJson): EvmTransactionType {
  if (json.type !== undefined) {
    const t = TYPE_ALIASES[json.type];
    if (t === undefined) invalid(`tx.type ${String(json.type)} is not a known transaction type`, 'tx.type');
    return t;
  }
  if (json.authorizationList !== undefined) return 'eip7702';
  if (json.blobVersionedHashes !== undefined || json.maxFeePerBlobGas !== undefined) return 'eip4844';
  if (json.maxFeePerGas !== undefined || json.maxPriorityFeePerGas !== undefined) return 'eip1559';
  if (json.accessList !== undefined) return 'eip2930';
  return 'legacy';
}

/**
 * Builds the unsigned transaction from JSON fields. Quantities are decimal or 0x hex strings (or JSON integers);
 * `nonce`, `gas` and the fee fields of the type are required; `chainId` defaults to `defaultChainId` (the request's
 * expected_chain_id); `type` defaults from the fee fields. Fields that do not belong to the type are refused.
 * Pure: the JSON-RPC endpoint builds its transactions with it after filling nonce, gas and fees.
 */
export function transactionFromJson(json: EvmTransactionJson, defaultChainId: bigint): EvmUnsignedTransaction {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) invalid('tx must be an object', 'tx');
  const type = inferType(json);
  const allowed: Record<EvmTransactionType, readonly string[]> = {
    legacy: ['gasPrice'],
    eip2930: ['gasPrice', 'accessList'],
    eip1559: ['maxFeePerGas', 'maxPriorityFeePerGas', 'accessList'],
    eip4844: ['maxFeePerGas', 'maxPriorityFeePerGas', 'accessList', 'maxFeePerBlobGas', 'blobVersionedHashes'],
    eip7702: ['maxFeePerGas', 'maxPriorityFeePerGas', 'accessList', 'authorizationList'],
  };
  const common = ['type', 'chainId', 'nonce', 'to', 'value', 'data', 'input', 'gas'];
  for (const key of Object.keys(json)) {
    if (!common.includes(key) && !allowed[type].includes(key)) invalid(`tx.${key} does not belong to a ${type} transaction`, `tx.${key}`);
  }
  const need = (key: keyof EvmTransactionJson) => {
    if (json[key] === undefined) invalid(`tx.${key} is required for a ${type} transaction`, `tx.${key}`);
    return json[key];
  };
  if (json.data !== undefined && json.input !== undefined && json.data.toLowerCase() !== json.input.toLowerCase())
    invalid('tx.data and tx.input differ', 'tx.input');
  const dataRaw = json.data ?? json.input;
  const data = dataRaw === undefined ? undefined : readHexData(dataRaw, json.data !== undefined ? 'tx.data' : 'tx.input');
  const chainId = chainIdNumber(json.chainId === undefined ? defaultChainId : quantity(json.chainId, 'tx.chainId'), 'tx.chainId');
  const to = json.to === undefined || json.to === null ? undefined : readAddress(json.to, 'tx.to');
  const base = {
    chainId,
    nonce: Number(quantity(need('nonce'), 'tx.nonce', 53)),
    gas: quantity(need('gas'), 'tx.gas', 64),
    ...(to === undefined ? {} : { to }),
    ...(json.value === undefined ? {} : { value: quantity(json.value, 'tx.value') }),
    ...(data === undefined || data === '0x' ? {} : { data }),
  };
  const accessList = json.accessList === undefined ? undefined : readAccessList(json.accessList);
  const fees1559 = () => ({
    maxFeePerGas: quantity(need('maxFeePerGas'), 'tx.maxFeePerGas'),
    maxPriorityFeePerGas: quantity(need('maxPriorityFeePerGas'), 'tx.maxPriorityFeePerGas'),
  });
  switch (type) {
    case 'legacy':
      return { ...base, type, gasPrice: quantity(need('gasPrice'), 'tx.gasPrice') };
    case 'eip2930':
      return { ...base, type, gasPrice: quantity(need('gasPrice'), 'tx.gasPrice'), accessList: accessList ?? [] };
    case 'eip1559':
      return { ...base, type, ...fees1559(), ...(accessList === undefined ? {} : { accessList }) };
    case 'eip4844': {
      if (to === undefined) invalid('an EIP-4844 transaction needs tx.to', 'tx.to');
      const hashes = need('blobVersionedHashes') as readonly unknown[];
      if (!Array.isArray(hashes) || hashes.length === 0) invalid('tx.blobVersionedHashes must list at least one hash', 'tx.blobVersionedHashes');
      return {
        ...base,
        to,
        type,
        ...fees1559(),
        ...(accessList === undefined ? {} : { accessList }),
        maxFeePerBlobGas: quantity(need('maxFeePerBlobGas'), 'tx.maxFeePerBlobGas'),
        blobVersionedHashes: hashes.map((h, i) => readBytes32(h, `tx.blobVersionedHashes[${i}]`)),
      };
    }
    case 'eip7702': {
      if (to === undefined) invalid('an EIP-7702 transaction needs tx.to', 'tx.to');
      const list = need('authorizationList') as readonly unknown[];
      if (!Array.isArray(list) || list.length === 0) invalid('tx.authorizationList must list at least one authorization', 'tx.authorizationList');
      return { ...base, to, type, ...fees1559(), ...(accessList === undefined ? {} : { accessList }), authorizationList: readAuthorizationList(list) };
    }
  }
}

function readAccessList(list: unknown): AccessList {
  if (!Array.isArray(list)) invalid('tx.accessList must be an array', 'tx.accessList');
  return list.map((item: { address?: unknown; storageKeys?: unknown }, i) => {
    if (typeof item !== 'object' || item === null || !Array.isArray(item.storageKeys))
      invalid(`tx.accessList[${i}] must be {address, storageKeys}`, `tx.accessList[${i}]`);
    return {
      address: readAddress(item.address, `tx.accessList[${i}].address`),
      storageKeys: (item.storageKeys as unknown[]).map((k, j) => readBytes32(k, `tx.accessList[${i}].storageKeys[${j}]`)),
    };
  });
}

function readAuthorizationList(list: readonly unknown[]): SignedAuthorizationList {
  return list.map((raw, i) => {
    const a = raw as Record<string, unknown>;
    const f = `tx.authorizationList[${i}]`;
    if (typeof a !== 'object' || a === null) invalid(`${f} must be an object`, f);
    const yParity = quantity(a.yParity, `${f}.yParity`, 8);
    if (yParity > 1n) invalid(`${f}.yParity must be 0 or 1`, `${f}.yParity`);
    return {
      chainId: Number(quantity(a.chainId, `${f}.chainId`, 53)),
      address: readAddress(a.address, `${f}.address`),
      nonce: Number(quantity(a.nonce, `${f}.nonce`, 53)),
      r: readBytes32(a.r, `${f}.r`),
      s: readBytes32(a.s, `${f}.s`),
      yParity: Number(yParity),
    };
  });
}

/** Serializes an unsigned transaction (legacy with EIP-155 chain id fields): exactly the bytes whose keccak256 is signed. */
export function serializeUnsignedTransaction(tx: EvmUnsignedTransaction): Hex {
  return serializeTransaction(tx as TransactionSerializable);
}

/**
 * Parses a serialized unsigned transaction. Refused: signed transactions, legacy transactions without an EIP-155
 * chain id, non-canonical encodings (the bytes must re-serialize to themselves), unknown types (`unsupported`).
 */
export function decodeUnsignedTransaction(txHex: string): EvmUnsignedTransaction {
  if (typeof txHex !== 'string' || !isHex(txHex, { strict: true }) || txHex.length % 2 !== 0 || txHex.length < 4) {
    throw openKmsError(ErrorCode.decodeFailed, 'tx_hex must be 0x-prefixed hex with whole bytes', { field: 'tx_hex' });
  }
  const hex = txHex.toLowerCase() as Hex;
  const first = parseInt(hex.slice(2, 4), 16);
  if (first < 0xc0 && first > 0x04) {
    throw openKmsError(ErrorCode.unsupported, `transaction type 0x${first.toString(16)} is not supported`, {
      field: 'tx_hex',
      type: `0x${first.toString(16)}`,
    });
  }
  let parsed: TransactionSerializable & { r?: unknown; s?: unknown; v?: unknown; yParity?: unknown };
  try {
    parsed = parseTransaction(hex) as typeof parsed;
  } catch (err) {
    throw openKmsError(ErrorCode.decodeFailed, `tx_hex is not a valid transaction: ${firstLine(err)}`, { field: 'tx_hex' });
  }
  if (parsed.r !== undefined || parsed.s !== undefined || parsed.v !== undefined || parsed.yParity !== undefined) {
    throw openKmsError(ErrorCode.decodeFailed, 'tx_hex is a signed transaction: send the unsigned one', { field: 'tx_hex' });
  }
  if ((parsed as { sidecars?: unknown }).sidecars !== undefined) {
    throw openKmsError(ErrorCode.decodeFailed, 'tx_hex carries blob sidecars: send the unsigned transaction without the network wrapper', { field: 'tx_hex' });
  }
  const type = parsed.type as EvmTransactionType | undefined;
  if (type === undefined || !Object.values(TYPE_ALIASES).includes(type)) {
    throw openKmsError(ErrorCode.unsupported, `transaction type ${String(type)} is not supported`, { field: 'tx_hex' });
  }
  if (parsed.chainId === undefined) {
    throw openKmsError(ErrorCode.chainIdMismatch, 'the transaction has no chain id (a pre-EIP-155 legacy transaction is valid on every chain)', {
      field: 'tx_hex',
    });
  }
  const tx = { ...parsed, type, chainId: chainIdNumber(BigInt(parsed.chainId), 'chainId') } as EvmUnsignedTransaction;
  let again: Hex;
  try {
    again = serializeUnsignedTransaction(tx);
  } catch (err) {
    throw openKmsError(ErrorCode.decodeFailed, `tx_hex does not re-serialize: ${firstLine(err)}`, { field: 'tx_hex' });
  }
  if (again !== hex)
    throw openKmsError(ErrorCode.decodeFailed, 'tx_hex is not canonically encoded (it does not re-serialize to the same bytes)', { field: 'tx_hex' });
  return tx;
}

function firstLine(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return (msg.split('\n')[0] ?? '').slice(0, 200);
}

/** The `to` of a transaction in lower case, or undefined for a contract creation. */
export function transactionTo(tx: EvmUnsignedTransaction): Address | undefined {
  return tx.to === undefined || tx.to === null ? undefined : (tx.to.toLowerCase() as Address);
}
