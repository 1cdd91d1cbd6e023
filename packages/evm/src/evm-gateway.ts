import { ErrorCode, openKmsError } from '@openkms/core';
import type { ChainGateway, ChainRpcContext, GatewayContract, GatewayInvocation } from '@openkms/core';
import type { AbiFunction, Hex } from 'viem';
import { decodeEventLog, decodeFunctionResult, encodeFunctionData, getAddress, isHex } from 'viem/utils';
import { formatAbiItem } from 'viem/utils';
import { evmAddress, readAddress } from './evm-address.js';
import { createEvmJsonRpc } from './evm-json-rpc.js';
import { abiEvents, checkEvmAbi, functionSignature, gatewayMethods, resolveFunction } from './gateway-abi.js';
import { gatewayOpenApi } from './gateway-openapi.js';
import { fromQueryArgs, fromTupleValue, toTupleValue } from './gateway-values.js';
import { keyChainId } from './key-option-names.js';
import { networkChainId } from './rpc-network-options.js';

/**
 * Transaction fields a gateway call may set (query parameters → eth_sendTransaction fields; the original Kaleido-style
 * `kld-ethvalue`, `kld-gas`, `kld-gasprice` too). The rest is filled like eth_sendTransaction: nonce, gas, fees.
 */
export const EVM_GATEWAY_TX_FIELDS: Readonly<Record<string, string>> = {
  value: 'value',
  gas: 'gas',
  gas_price: 'gasPrice',
  max_fee_per_gas: 'maxFeePerGas',
  max_priority_fee_per_gas: 'maxPriorityFeePerGas',
  'kld-ethvalue': 'value',
  'kld-gas': 'gas',
  'kld-gasprice': 'gasPrice',
};
/** How often a sync call asks the node for the receipt. */
const RECEIPT_POLL_MS = 100;

type Log = { address: string; topics: Hex[]; data: Hex; logIndex?: string };
type Receipt = {
  transactionHash: string;
  status: string;
  blockNumber: string;
  blockHash: string;
  from: string;
  to: string | null;
  contractAddress?: string | null;
  gasUsed: string;
  logs: Log[];
};

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function encodeCall(fn: AbiFunction, args: unknown): Hex {
  const values = toTupleValue(fn.inputs, args, 'args');
  try {
    return encodeFunctionData({ abi: [fn], functionName: fn.name, args: values });
  } catch (err) {
    throw openKmsError(ErrorCode.invalidRequest, `args: cannot be encoded for ${functionSignature(fn)}: ${(err as Error).message.split('\n')[0]}`, {
      field: 'args',
    });
  }
}

/** Decodes every log by the ABI of the contract at its address, else by the first ABI that decodes it; raw otherwise. */
export function decodeLogs(logs: readonly Log[], contracts: readonly GatewayContract[]): Record<string, unknown>[] {
  return logs.map((log) => {
    const index = log.logIndex === undefined ? undefined : Number(BigInt(log.logIndex));
    const base = { address: log.address, ...(index === undefined ? {} : { log_index: index }) };
    const own = contracts.filter((c) => c.address.toLowerCase() === log.address.toLowerCase());
    for (const c of [...own, ...contracts.filter((x) => !own.includes(x))]) {
      const events = abiEvents(c.abi);
      if (events.length === 0) continue;
      try {
        const decoded = decodeEventLog({ abi: events, topics: log.topics as [Hex, ...Hex[]], data: log.data, strict: true });
        const event = events.find(
          (e) => e.name === decoded.eventName && e.inputs.length === (Array.isArray(decoded.args) ? decoded.args.length : e.inputs.length),
        )!;
        return {
          ...base,
          ...(own.includes(c) ? { contract: c.name } : { decoded_with: c.name }),
          event: decoded.eventName,
          signature: formatAbiItem(event),
          args: fromTupleValue(event.inputs, decoded.args ?? []),
        };
      } catch {
        // not this ABI's event
      }
    }
    return { ...base, topics: log.topics, data: log.data };
  });
}

function receiptJson(r: Receipt, contracts: readonly GatewayContract[]): Record<string, unknown> {
  return {
    transaction_hash: r.transactionHash,
    status: r.status === '0x1' ? 'success' : 'reverted',
    block_number: BigInt(r.blockNumber).toString(),
    block_hash: r.blockHash,
    from: r.from,
    to: r.to,
    ...(r.contractAddress ? { contract_address: r.contractAddress } : {}),
    gas_used: BigInt(r.gasUsed).toString(),
    events: decodeLogs(r.logs ?? [], contracts),
  };
}

async function waitForReceipt(hash: string, ctx: ChainRpcContext, waitMs: number): Promise<Receipt | undefined> {
  const until = Date.now() + waitMs;
  for (;;) {
    const r = (await ctx.upstream('eth_getTransactionReceipt', [hash])) as Receipt | null;
    if (r !== null && typeof r === 'object' && r.blockNumber) return r;
    if (Date.now() + RECEIPT_POLL_MS > until) return undefined;
    await new Promise((res) => setTimeout(res, RECEIPT_POLL_MS));
  }
}

/** The key's address, when it signs for the network (its chain_id is the network's); invalid_request otherwise. */
function senderAddress(inv: GatewayInvocation, ctx: ChainRpcContext): Hex {
  const key = inv.from!;
  let chainId: bigint | undefined;
  try {
    chainId = keyChainId(key.options, key.label);
  } catch {
    chainId = undefined;
  }
  if (chainId !== networkChainId(ctx.network))
    throw openKmsError(ErrorCode.invalidRequest, `key ${key.label} does not sign for network ${ctx.network.name} (chain id ${networkChainId(ctx.network)})`, {
      field: 'kld-from',
      label: key.label,
      network: ctx.network.name,
    });
  return evmAddress(key.publicKey);
}

/**
 * The EVM plugin's REST gateway hook. A state-changing call is an eth_sendTransaction of the JSON-RPC hook (same
 * filling, nonce manager, "nonce too low" recovery, sign pipeline: the signed transaction is decoded and judged by
 * policy like any POST /sign/evm body); a read is an eth_call; receipts' logs are decoded by the registered ABIs.
 */
export function createEvmGateway(): ChainGateway {
  const rpc = createEvmJsonRpc();
  return {
    checkAbi: (abi, where) => checkEvmAbi(abi, where),
    checkAddress: (address, where) => getAddress(readAddress(address, where)),
    methods: (abi) => gatewayMethods(abi),
    method(contract, method) {
      const fn = resolveFunction(contract, method);
      return gatewayMethods([fn])[0]!;
    },

    async send(inv, ctx) {
      const fn = resolveFunction(inv.contract, inv.method);
      if (fn.stateMutability === 'view' || fn.stateMutability === 'pure')
        throw openKmsError(ErrorCode.invalidRequest, `${functionSignature(fn)} is ${fn.stateMutability}: read it with GET (or POST ?call=true)`, {
          field: 'method',
        });
      const data = encodeCall(fn, inv.args);
      const from = senderAddress(inv, ctx);
      const request: Record<string, unknown> = { from, to: inv.contract.address, data };
      for (const [k, v] of Object.entries(inv.tx)) {
        const field = EVM_GATEWAY_TX_FIELDS[k];
        if (field === undefined || !Object.hasOwn(EVM_GATEWAY_TX_FIELDS, k))
          throw openKmsError(ErrorCode.invalidRequest, `unknown parameter ${k} (transaction fields: ${Object.keys(EVM_GATEWAY_TX_FIELDS).join(', ')})`, {
            field: k,
          });
        if (typeof v !== 'string' || !/^(0|[1-9][0-9]{0,77}|0x[0-9a-fA-F]{1,64})$/.test(v))
          throw openKmsError(ErrorCode.invalidRequest, `${k} must be a decimal string or 0x hex`, { field: k });
        request[field] = `0x${BigInt(v).toString(16)}`;
      }
      if (request.value !== undefined && fn.stateMutability !== 'payable' && BigInt(request.value as string) !== 0n)
        throw openKmsError(ErrorCode.invalidRequest, `${functionSignature(fn)} is not payable: value must be 0`, { field: 'value' });
      let nonce: string | undefined;
      const signing: ChainRpcContext = {
        ...ctx,
        sign: async (body) => {
          const out = await ctx.sign(body);
          nonce = BigInt(String((body.tx as { nonce: string }).nonce)).toString();
          return out;
        },
      };
      const hash = (await rpc.handle({ method: 'eth_sendTransaction', params: [request] }, signing)) as string;
      const sent = { transaction_hash: hash, nonce: nonce ?? null, from, to: inv.contract.address };
      if (inv.waitMs === undefined) return sent;
      const receipt = await waitForReceipt(hash, ctx, inv.waitMs);
      if (receipt === undefined) return { ...sent, status: 'pending' };
      const { transaction_hash: _h, from: _f, to: _t, ...rest } = receiptJson(receipt, [inv.contract]);
      return { ...sent, ...rest };
    },

    async call(inv, ctx) {
      const fn = resolveFunction(inv.contract, inv.method);
      const data = encodeCall(fn, inv.argsFromQuery === true && isPlainObject(inv.args) ? fromQueryArgs(fn.inputs, inv.args) : inv.args);
      const call: Record<string, unknown> = { to: inv.contract.address, data };
      if (inv.from !== undefined) call.from = evmAddress(inv.from.publicKey);
      if (inv.tx.value !== undefined) call.value = inv.tx.value;
      const answer = await ctx.upstream('eth_call', [call, 'latest']);
      if (typeof answer !== 'string' || !isHex(answer))
        throw openKmsError(ErrorCode.rpcUnavailable, 'the upstream node answered eth_call with something that is not hex', {});
      let result: unknown;
      try {
        result = decodeFunctionResult({ abi: [fn], functionName: fn.name, data: answer });
      } catch {
        throw openKmsError(ErrorCode.decodeFailed, `the node's answer does not decode as the outputs of ${functionSignature(fn)} (wrong address or ABI?)`, {
          contract: inv.contract.name,
        });
      }
      return fromTupleValue(fn.outputs, fn.outputs.length === 1 ? [result] : result, 'out');
    },

    async receipt(hash, contracts, ctx) {
      if (!/^0x[0-9a-fA-F]{64}$/.test(hash))
        throw openKmsError(ErrorCode.invalidRequest, 'the transaction hash must be 0x and 64 hex digits', { field: 'hash' });
      const r = (await ctx.upstream('eth_getTransactionReceipt', [hash])) as Receipt | null;
      if (r === null || typeof r !== 'object' || !r.blockNumber)
        throw openKmsError(ErrorCode.notFound, `network ${ctx.network.name} has no receipt for ${hash} (unknown or not mined yet)`, { hash });
      return receiptJson(r, contracts);
    },

    openapi: (contract, serverUrl) => gatewayOpenApi(contract, serverUrl),
  };
}
