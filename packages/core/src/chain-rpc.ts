import type { ChainKey } from './chain-signer.js';
import type { ErrorCode } from './errors.js';
import type { JsonSchema } from './json-schema.js';
import type { NonceManager } from './nonce-manager.js';

/** A network of the signer's config (`[networks.<name>]`) as a chain plugin's RPC handler sees it. */
export interface RpcNetwork {
  readonly name: string;
  readonly chain: string;
  /** The upstream node's URL (operator-trusted). */
  readonly upstream: string;
  /** The chain-specific settings of the network (e.g. an EVM `chain_id`), checked with `networkOptionsSchema`. */
  readonly options: Readonly<Record<string, unknown>>;
}

/** One JSON-RPC call, already checked to be a JSON-RPC 2.0 request object. */
export interface RpcCall {
  readonly method: string;
  /** Positional or named params as sent (absent: an empty list). */
  readonly params: readonly unknown[] | Readonly<Record<string, unknown>>;
}

/**
 * What the signer gives a plugin's RPC handler for one call. HTTP, tokens and policy stay with the signer: the
 * handler sees the keys the caller may use, signs through the signer's full pipeline (validation, scope, policy,
 * replay, audit, metrics: exactly what POST /sign/<chain> does) and reaches the network's node through `upstream`.
 */
export interface ChainRpcContext {
  readonly network: RpcNetwork;
  /** The resolved keys of this chain the caller's token may sign with (the handler filters them by network). */
  accounts(): Promise<readonly ChainKey[]>;
  /** Signs a POST /sign/<chain> request body through the full pipeline; throws its OpenKmsError when refused. */
  sign(body: Readonly<Record<string, unknown>>): Promise<Readonly<Record<string, unknown>>>;
  /**
   * Calls the network's upstream node. Throws `rpc_unavailable` (unreachable, timed out, not a JSON-RPC answer) or
   * `upstream_rejected` (the node answered with a JSON-RPC error: its code, message and data in the context as
   * `upstream_code`, `upstream_message`, `upstream_data`).
   */
  upstream(method: string, params: readonly unknown[] | Readonly<Record<string, unknown>>): Promise<unknown>;
  /** Account nonces, shared by every request of the signer (per `<network>:<address>`). */
  readonly nonces: NonceManager;
  /** Audits a refusal the handler makes before the pipeline (e.g. a `from` the token may not use, a refused method). */
  refuse(code: ErrorCode, reason: string, details?: Readonly<Record<string, string>>): void;
}

/**
 * The optional JSON-RPC hook of a chain plugin: POST /rpc/<chain>/<network> is served for every plugin that has it.
 * The handler is transport-agnostic: it returns the call's result or throws an OpenKmsError, which the signer turns
 * into a JSON-RPC error (`rpc_method_not_allowed` for a method it neither handles nor passes through).
 */
export interface ChainRpc {
  /** JSON Schema of a network's chain settings (the `[networks.<name>]` table without chain, upstream, upstream_timeout_ms). */
  readonly networkOptionsSchema: JsonSchema;
  /** Methods the plugin answers itself (documented in the OpenAPI operation). */
  readonly methods: readonly string[];
  /** Methods passed unchanged to the upstream node; every other method is refused. */
  readonly passthrough: readonly string[];
  handle(call: RpcCall, ctx: ChainRpcContext): Promise<unknown>;
}
