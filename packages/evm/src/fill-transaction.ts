import { ErrorCode, isOpenKmsError, openKmsError } from '@openkms/core';
import type { Address } from 'viem';
import { readAddress } from './evm-address.js';
import { parseQuantity, quantity } from './quantity.js';
import type { EvmTransactionJson } from './sign-request-schema.js';

/** Calls the network's node (JSON-RPC method and params → result). */
export type EvmUpstreamCall = (method: string, params: readonly unknown[]) => Promise<unknown>;

/** Fields an eth_sendTransaction / eth_signTransaction request may carry; any other is refused (fail closed). */
export const EVM_SEND_TRANSACTION_FIELDS = [
  'from',
  'to',
  'gas',
  'gasPrice',
  'maxFeePerGas',
  'maxPriorityFeePerGas',
  'value',
  'data',
  'input',
  'nonce',
  'type',
  'chainId',
  'accessList',
  'authorizationList',
  'blobVersionedHashes',
  'maxFeePerBlobGas',
] as const;

const LEGACY_TYPES = new Set(['legacy', '0x0', 'eip2930', '0x1']);
const HEX = (n: bigint) => `0x${n.toString(16)}`;

export interface FillTransactionOptions {
  readonly chainId: bigint;
  readonly from: Address;
  readonly upstream: EvmUpstreamCall;
  /** The nonce to use when the request has none; called last, after every other field is known. */
  readonly nonce: () => Promise<bigint>;
}

export interface FilledTransaction {
  /** The transaction as POST /sign/evm takes it (`tx`), every quantity 0x hex. */
  readonly tx: EvmTransactionJson;
  /** True when the nonce came from `nonce()` (the caller owns it and must release it if the send fails). */
  readonly nonceFilled: boolean;
}

function invalid(message: string, field: string): never {
  throw openKmsError(ErrorCode.invalidRequest, message, { field });
}

/** A quantity answered by the node; anything else is rpc_unavailable (not a JSON-RPC answer we understand). */
function nodeQuantity(value: unknown, method: string): bigint {
  const n = parseQuantity(value, method, 256, true);
  if (n === undefined) throw openKmsError(ErrorCode.rpcUnavailable, `the upstream node answered ${method} with something that is not a quantity`, { method });
  return n;
}

/**
 * Fills the fields an eth_sendTransaction request leaves out, from the network's node:
 * - `gas`: eth_estimateGas of {from, to, value, data, accessList} (no margin added);
 * - fees, when neither gasPrice nor maxFeePerGas/maxPriorityFeePerGas are given: the latest block's baseFeePerGas
 *   (eth_getBlockByNumber "latest"); with a base fee, an EIP-1559 transaction with maxPriorityFeePerGas =
 *   eth_maxPriorityFeePerGas (falling back to eth_gasPrice − base fee, at least 0, when the node lacks the method) and
 *   maxFeePerGas = 2 × base fee + maxPriorityFeePerGas; without one (pre-London chains), a legacy transaction with
 *   gasPrice = eth_gasPrice. A type or fee field given by the client decides the type; missing fee fields of that type
 *   are filled the same way;
 * - `nonce`: `options.nonce()` (the nonce manager), called last.
 * A `chainId` given by the client is kept as it is: the sign pipeline refuses it (`chain_id_mismatch`, audited) when it
 * is not the network's. The result is checked by the sign pipeline like any /sign/evm body.
 */
export async function fillTransaction(request: unknown, options: FillTransactionOptions): Promise<FilledTransaction> {
  if (typeof request !== 'object' || request === null || Array.isArray(request)) invalid('the transaction must be an object', 'params[0]');
  const req = request as Record<string, unknown>;
  for (const k of Object.keys(req)) {
    if (!(EVM_SEND_TRANSACTION_FIELDS as readonly string[]).includes(k)) invalid(`transaction field ${k} is not supported`, `params[0].${k}`);
  }
  const present = (k: string) => req[k] !== undefined && req[k] !== null;
  const to = present('to') ? readAddress(req.to, 'params[0].to') : undefined;
  const data = present('data') ? req.data : present('input') ? req.input : undefined;
  if (data !== undefined && typeof data !== 'string') invalid('data must be 0x hex', 'params[0].data');
  const copied: Record<string, unknown> = {};
  for (const k of ['value', 'accessList', 'authorizationList', 'blobVersionedHashes', 'maxFeePerBlobGas'] as const) if (present(k)) copied[k] = req[k];
  if (to !== undefined) copied.to = to;
  if (data !== undefined) copied.data = data;

  // gas
  let gas: bigint;
  if (present('gas')) gas = quantity(req.gas, 'params[0].gas', 64);
  else {
    const call: Record<string, unknown> = { from: options.from };
    if (to !== undefined) call.to = to;
    if (present('value')) call.value = HEX(quantity(req.value, 'params[0].value'));
    if (data !== undefined) call.data = data;
    if (present('accessList')) call.accessList = req.accessList;
    gas = nodeQuantity(await options.upstream('eth_estimateGas', [call]), 'eth_estimateGas');
  }

  // fees
  const type = present('type') ? String(req.type) : undefined;
  const fees: Record<string, string> = {};
  const legacy = type !== undefined ? LEGACY_TYPES.has(type) : present('gasPrice');
  const dynamic = type !== undefined ? !LEGACY_TYPES.has(type) : present('maxFeePerGas') || present('maxPriorityFeePerGas');
  if (legacy) {
    fees.gasPrice = HEX(
      present('gasPrice') ? quantity(req.gasPrice, 'params[0].gasPrice') : nodeQuantity(await options.upstream('eth_gasPrice', []), 'eth_gasPrice'),
    );
  } else {
    const baseFee = dynamic && present('maxFeePerGas') && present('maxPriorityFeePerGas') ? undefined : await latestBaseFee(options.upstream);
    if (!dynamic && baseFee === undefined) {
      fees.gasPrice = HEX(nodeQuantity(await options.upstream('eth_gasPrice', []), 'eth_gasPrice'));
    } else {
      const priority = present('maxPriorityFeePerGas')
        ? quantity(req.maxPriorityFeePerGas, 'params[0].maxPriorityFeePerGas')
        : await suggestedPriorityFee(options.upstream, baseFee ?? 0n);
      const maxFee = present('maxFeePerGas') ? quantity(req.maxFeePerGas, 'params[0].maxFeePerGas') : 2n * (baseFee ?? 0n) + priority;
      fees.maxFeePerGas = HEX(maxFee);
      fees.maxPriorityFeePerGas = HEX(priority);
    }
  }

  // nonce last: nothing after it can fail, so a filled nonce is only lost by a failed sign or send
  const nonceFilled = !present('nonce');
  const nonce = nonceFilled ? await options.nonce() : quantity(req.nonce, 'params[0].nonce', 64);
  const tx: EvmTransactionJson = {
    ...(type === undefined ? {} : { type }),
    // a chainId given by the client is kept: the sign pipeline refuses one that is not the network's (audited)
    chainId: req.chainId === undefined || req.chainId === null ? HEX(options.chainId) : (req.chainId as string),
    nonce: HEX(nonce),
    gas: HEX(gas),
    ...copied,
    ...fees,
  } as EvmTransactionJson;
  return { tx, nonceFilled };
}

/** The latest block's base fee, or undefined on a chain without one. */
async function latestBaseFee(upstream: EvmUpstreamCall): Promise<bigint | undefined> {
  const block = (await upstream('eth_getBlockByNumber', ['latest', false])) as { baseFeePerGas?: unknown } | null;
  if (block === null || typeof block !== 'object') throw openKmsError(ErrorCode.rpcUnavailable, 'the upstream node returned no latest block', {});
  return block.baseFeePerGas === undefined || block.baseFeePerGas === null ? undefined : nodeQuantity(block.baseFeePerGas, 'eth_getBlockByNumber');
}

async function suggestedPriorityFee(upstream: EvmUpstreamCall, baseFee: bigint): Promise<bigint> {
  try {
    return nodeQuantity(await upstream('eth_maxPriorityFeePerGas', []), 'eth_maxPriorityFeePerGas');
  } catch (err) {
    if (!isOpenKmsError(err) || err.code !== ErrorCode.upstreamRejected) throw err;
    const price = nodeQuantity(await upstream('eth_gasPrice', []), 'eth_gasPrice');
    return price > baseFee ? price - baseFee : 0n;
  }
}
