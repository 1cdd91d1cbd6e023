import { ErrorCode, NonceManager, isOpenKmsError, openKmsError } from '@openkms/core';
import type { ChainKey, ChainRpc, ChainRpcContext, RpcCall } from '@openkms/core';
import { isHex, numberToHex } from 'viem/utils';
import type { Address, Hex } from 'viem';
import { evmAddress } from './evm-address.js';
import { fillTransaction, type EvmUpstreamCall } from './fill-transaction.js';
import { keyChainId } from './key-option-names.js';
import { EVM_RPC_PASSTHROUGH_METHODS, EVM_RPC_SIGNER_METHODS } from './rpc-passthrough-methods.js';
import { evmRpcNetworkOptionsSchema, networkChainId } from './rpc-network-options.js';

/** What the node says when a transaction's nonce is already used (geth, anvil, erigon, nethermind, besu wording). */
const NONCE_TOO_LOW = /nonce too low|nonce has already been used|nonce is too low|NONCE_EXPIRED|OldNonce|invalid nonce/i;
/**
 * Another pending transaction holds the nonce (geth, anvil, erigon, besu, nethermind wording): the store handed out a
 * nonce that is taken, e.g. again after a lapsed lease whose sender had sent it after all. Resynchronised like
 * "nonce too low".
 */
const NONCE_TAKEN = /replacement transaction underpriced|REPLACEMENT_UNDERPRICED|ReplacementNotAllowed|replacement underpriced/i;
/** The node already has this exact transaction: it was sent (a retry of ours): its hash is the answer. */
const ALREADY_KNOWN = /already known|known transaction|already imported|AlreadyKnown/i;

type Params = RpcCall['params'];

function positional(params: Params, method: string): readonly unknown[] {
  if (!Array.isArray(params)) throw openKmsError(ErrorCode.invalidRequest, `${method} takes positional params (an array)`, { field: 'params' });
  return params;
}

/** The keys of the caller that sign for this network (EVM keys whose chain_id is the network's), with their address. */
async function networkAccounts(ctx: ChainRpcContext): Promise<{ key: ChainKey; address: Address }[]> {
  const chainId = networkChainId(ctx.network);
  const out: { key: ChainKey; address: Address }[] = [];
  for (const key of await ctx.accounts()) {
    try {
      if (keyChainId(key.options, key.label) === chainId) out.push({ key, address: evmAddress(key.publicKey) });
    } catch {
      // a key without a usable chain id or public key is no account of any network
    }
  }
  return out;
}

/** The key behind `address`: one of the caller's accounts on this network, else forbidden_scope (audited). */
async function accountFor(address: unknown, field: string, ctx: ChainRpcContext): Promise<{ key: ChainKey; address: Address }> {
  if (typeof address !== 'string' || !/^0x[0-9a-fA-F]{40}$/.test(address))
    throw openKmsError(ErrorCode.invalidRequest, `${field} must be an address`, { field });
  const found = (await networkAccounts(ctx)).find((a) => a.address.toLowerCase() === address.toLowerCase());
  if (found) return found;
  const reason = `${address} is not an account this token may sign with on network ${ctx.network.name}`;
  ctx.refuse(ErrorCode.forbiddenScope, reason, { from: address.toLowerCase(), network: ctx.network.name });
  throw openKmsError(ErrorCode.forbiddenScope, reason, { field, address: address.toLowerCase(), network: ctx.network.name });
}

const upstreamOf =
  (ctx: ChainRpcContext): EvmUpstreamCall =>
  (method, params) =>
    ctx.upstream(method, params);

async function pendingNonce(ctx: ChainRpcContext, address: Address): Promise<bigint> {
  const n = await ctx.upstream('eth_getTransactionCount', [address, 'pending']);
  if (typeof n !== 'string' || !isHex(n))
    throw openKmsError(ErrorCode.rpcUnavailable, 'the upstream node answered eth_getTransactionCount with no quantity', {});
  return BigInt(n);
}

/**
 * eth_sendTransaction: fill, sign through the pipeline, send upstream. Nonce handling (see NonceManager): released on
 * any failure before the node took the transaction (refused, signing failed, node rejected it, node unreachable
 * before the request was sent); resynchronised from the node on "nonce too low" or a nonce taken by another pending
 * transaction (then retried once with a new nonce, signed and audited again) and when the fate of a send is unknown
 * (timeout); "already known" is success. A nonce the node took is confirmed (its lease ends); that confirmation is
 * best effort, since the transaction is already out: if it fails, the lease lapses and the nonce is handed out again,
 * which the node refuses and which resynchronises.
 */
async function sendTransaction(params: Params, ctx: ChainRpcContext): Promise<Hex> {
  const [request] = positional(params, 'eth_sendTransaction');
  const from = (request as { from?: unknown } | undefined)?.from;
  const { key, address } = await accountFor(from, 'params[0].from', ctx);
  const chainId = networkChainId(ctx.network);
  const nonceKey = NonceManager.key(ctx.network.name, address);
  for (let attempt = 0; ; attempt++) {
    let allocated: bigint | undefined;
    const { tx } = await fillTransaction(request, {
      chainId,
      from: address,
      upstream: upstreamOf(ctx),
      nonce: async () => (allocated = await ctx.nonces.allocate(nonceKey, () => pendingNonce(ctx, address))),
    });
    let signed: Readonly<Record<string, unknown>>;
    try {
      signed = await ctx.sign({ label: key.label, expected_chain_id: chainId.toString(), tx });
    } catch (err) {
      if (allocated !== undefined) await ctx.nonces.release(nonceKey, allocated);
      throw err;
    }
    const hash = signed.tx_hash as Hex;
    const confirm = async (): Promise<void> => {
      if (allocated !== undefined) await ctx.nonces.confirm(nonceKey, allocated).catch(() => undefined);
    };
    try {
      const answer = await ctx.upstream('eth_sendRawTransaction', [signed.raw_transaction]);
      await confirm();
      return typeof answer === 'string' ? (answer as Hex) : hash;
    } catch (err) {
      const message = isOpenKmsError(err) ? String(err.context.upstream_message ?? '') : '';
      if (isOpenKmsError(err) && err.code === ErrorCode.upstreamRejected && ALREADY_KNOWN.test(message)) {
        await confirm();
        return hash;
      }
      if (allocated === undefined) throw err;
      if (isOpenKmsError(err) && err.code === ErrorCode.upstreamRejected && (NONCE_TOO_LOW.test(message) || NONCE_TAKEN.test(message))) {
        await ctx.nonces.resync(nonceKey);
        if (attempt === 0) continue;
      } else if (isOpenKmsError(err) && (err.code === ErrorCode.upstreamRejected || err.context.delivery === 'not_sent')) {
        await ctx.nonces.release(nonceKey, allocated);
      } else {
        await ctx.nonces.resync(nonceKey);
      }
      throw err;
    }
  }
}

/** eth_signTransaction: filled like eth_sendTransaction, but a missing nonce is the node's pending count (nothing allocated). */
async function signTransaction(params: Params, ctx: ChainRpcContext): Promise<Hex> {
  const [request] = positional(params, 'eth_signTransaction');
  const { key, address } = await accountFor((request as { from?: unknown } | undefined)?.from, 'params[0].from', ctx);
  const chainId = networkChainId(ctx.network);
  const { tx } = await fillTransaction(request, { chainId, from: address, upstream: upstreamOf(ctx), nonce: () => pendingNonce(ctx, address) });
  const signed = await ctx.sign({ label: key.label, expected_chain_id: chainId.toString(), tx });
  return signed.raw_transaction as Hex;
}

async function personalSign(params: Params, ctx: ChainRpcContext): Promise<Hex> {
  const [data, from] = positional(params, 'personal_sign');
  if (typeof data !== 'string')
    throw openKmsError(ErrorCode.invalidRequest, 'personal_sign params[0] must be the message (0x hex or text)', { field: 'params[0]' });
  const { key } = await accountFor(from, 'params[1]', ctx);
  const message = isHex(data, { strict: true }) && data.length % 2 === 0 ? { message_hex: data } : { message: data };
  const signed = await ctx.sign({ label: key.label, ...message });
  return signed.signature as Hex;
}

async function signTypedData(params: Params, ctx: ChainRpcContext): Promise<Hex> {
  const [from, raw] = positional(params, 'eth_signTypedData_v4');
  const { key } = await accountFor(from, 'params[0]', ctx);
  let typed: unknown = raw;
  if (typeof raw === 'string') {
    try {
      typed = JSON.parse(raw);
    } catch {
      throw openKmsError(ErrorCode.invalidRequest, 'eth_signTypedData_v4 params[1] is not valid JSON', { field: 'params[1]' });
    }
  }
  const signed = await ctx.sign({ label: key.label, expected_chain_id: networkChainId(ctx.network).toString(), typed_data: typed });
  return signed.signature as Hex;
}

const PASSTHROUGH = new Set(EVM_RPC_PASSTHROUGH_METHODS);

/**
 * The EVM plugin's JSON-RPC hook (POST /rpc/evm/<network>): a node with a built-in wallet, as Ethereum libraries
 * expect one, whose every signature goes through the signer's pipeline. Methods: see EVM_RPC_SIGNER_METHODS and
 * EVM_RPC_PASSTHROUGH_METHODS; everything else is `rpc_method_not_allowed`.
 */
export function createEvmJsonRpc(): ChainRpc {
  return {
    networkOptionsSchema: evmRpcNetworkOptionsSchema,
    methods: EVM_RPC_SIGNER_METHODS,
    passthrough: EVM_RPC_PASSTHROUGH_METHODS,
    async handle(call: RpcCall, ctx: ChainRpcContext): Promise<unknown> {
      switch (call.method) {
        case 'eth_chainId':
          return numberToHex(networkChainId(ctx.network));
        case 'eth_accounts':
        case 'personal_listAccounts':
          return (await networkAccounts(ctx)).map((a) => a.address);
        case 'eth_sendTransaction':
          return sendTransaction(call.params, ctx);
        case 'eth_signTransaction':
          return signTransaction(call.params, ctx);
        case 'personal_sign':
          return personalSign(call.params, ctx);
        case 'eth_signTypedData_v4':
          return signTypedData(call.params, ctx);
        case 'eth_sign': {
          const reason = 'eth_sign signs an arbitrary 32-byte digest (it can be a transaction hash): refused; use personal_sign or eth_signTypedData_v4';
          ctx.refuse(ErrorCode.rpcMethodNotAllowed, reason, { method: 'eth_sign', network: ctx.network.name });
          throw openKmsError(ErrorCode.rpcMethodNotAllowed, reason, { method: 'eth_sign' });
        }
        default:
          if (PASSTHROUGH.has(call.method)) return ctx.upstream(call.method, call.params);
          throw openKmsError(ErrorCode.rpcMethodNotAllowed, `method ${call.method} is not available on this endpoint`, { method: call.method });
      }
    },
  };
}
