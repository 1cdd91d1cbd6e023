import type { ChainKey } from './chain-signer.js';
import type { ChainRpcContext } from './chain-rpc.js';

/** A contract registered with the REST gateway (config `[gateway.contracts.<name>]` or POST /admin/gateway/contracts). */
export interface GatewayContract {
  /** Route segment: /gateway/<name>/<method>. */
  readonly name: string;
  /** The `[networks.<name>]` it lives on (its node, chain id, nonces). */
  readonly network: string;
  /** The contract's address, as normalised by the plugin's `checkAddress`. */
  readonly address: string;
  /** The contract's ABI, as returned by the plugin's `checkAbi`. */
  readonly abi: readonly unknown[];
}

/** A function of a contract's ABI as the signer needs to know it (scope, routes, docs). */
export interface GatewayMethod {
  /** The function's name (overloads share it). */
  readonly name: string;
  /** The canonical signature, e.g. `transfer(address,uint256)`: addresses one overload. */
  readonly signature: string;
  /** True for view and pure functions (served by a call to the node, nothing signed). */
  readonly readOnly: boolean;
  /** True when the name alone is ambiguous (the signature must be used). */
  readonly overloaded: boolean;
}

/** One gateway request, already authenticated; the signer resolved the signing key from `kld-from`. */
export interface GatewayInvocation {
  readonly contract: GatewayContract;
  /** A function name (when not overloaded) or signature. */
  readonly method: string;
  /** The arguments as sent: an object keyed by input names, a positional array, or absent (no inputs). */
  readonly args: unknown;
  /**
   * True when `args` are query parameters (an object of strings, GET): the plugin reads each one by its input's type
   * (e.g. JSON text for arrays and tuples, `true`/`false` for booleans, a string input as it is).
   */
  readonly argsFromQuery?: boolean;
  /** The signing key (state-changing calls), or the `from` of a read (optional). */
  readonly from?: ChainKey;
  /** Transaction fields besides to/data (e.g. EVM value, gas, fee fields), as sent. */
  readonly tx: Readonly<Record<string, unknown>>;
  /** State-changing calls: wait at most this long for the receipt (absent: return once the node took the transaction). */
  readonly waitMs?: number;
}

/**
 * The optional REST gateway hook of a chain plugin (it needs the plugin's `rpc` hook: a contract lives on one of its
 * networks). Chain knowledge stays in the plugin (ABI checks, argument encoding, filling, event decoding, OpenAPI
 * generation); HTTP, tokens, the contract registry and the sign pipeline stay with the signer, which hands over the
 * same ChainRpcContext as the JSON-RPC endpoint (same nonce manager, upstream client and pipeline).
 * Every method fails closed with OpenKmsError (invalid_request, abi_invalid, unknown_method, rpc_unavailable, …).
 */
export interface ChainGateway {
  /** Checks a JSON ABI; returns it normalised. Throws `abi_invalid` whose message starts with `where`. */
  checkAbi(abi: unknown, where: string): readonly unknown[];
  /** Checks a contract address; returns it normalised. Throws `invalid_request` naming `where`. */
  checkAddress(address: unknown, where: string): string;
  /** The functions of an ABI (for the route docs and the scope check). */
  methods(abi: readonly unknown[]): readonly GatewayMethod[];
  /** Resolves a method name or signature; throws `unknown_method`. */
  method(contract: GatewayContract, method: string): GatewayMethod;
  /** A state-changing call: encoded, filled, signed through `ctx.sign`, sent; the transaction hash, nonce, from, to (and the receipt when waited for). */
  send(inv: GatewayInvocation, ctx: ChainRpcContext): Promise<Readonly<Record<string, unknown>>>;
  /** A read (view/pure, or any function simulated): the node's answer decoded into named outputs. */
  call(inv: GatewayInvocation, ctx: ChainRpcContext): Promise<Readonly<Record<string, unknown>>>;
  /** A transaction's receipt with its events decoded by the given contracts' ABIs; `not_found` when the node has none. */
  receipt(hash: string, contracts: readonly GatewayContract[], ctx: ChainRpcContext): Promise<Readonly<Record<string, unknown>>>;
  /** An OpenAPI 3.1 document of the contract's routes (one operation per function), served under `serverUrl`. */
  openapi(contract: GatewayContract, serverUrl: string): Readonly<Record<string, unknown>>;
}
