import type { ChainPolicyHooks } from './chain-policy-hooks.js';
import type { ChainGateway, GatewayContract } from './chain-gateway.js';
import type { ChainRpc } from './chain-rpc.js';
import type { Curve } from './curve.js';
import type { Intent } from './intent.js';
import type { JsonSchema } from './json-schema.js';
import type { KeyBackend, KeyRef } from './key-backend.js';

/** The plugin API version this core defines. A plugin declaring another version is refused at startup. */
export const CHAIN_PLUGIN_API_VERSION = 1 as const;

/** A configured signing key as a chain plugin sees it. */
export interface ChainKey {
  readonly label: string;
  readonly chain: string;
  readonly curve: Curve;
  readonly ref: KeyRef;
  /** Raw public key from the backend (32-byte ed25519, 33-byte compressed secp256k1). */
  readonly publicKey: Uint8Array;
  /** The chain address derived by the plugin from the public key. */
  readonly address: string;
  /** Per-key chain options from config (e.g. a Cosmos bech32 prefix, an expected network). */
  readonly options: Readonly<Record<string, unknown>>;
}

/** A REST gateway contract as `decode` sees it: with its network's chain settings (e.g. an EVM `chain_id`). */
export interface DecodeContract extends GatewayContract {
  readonly networkOptions: Readonly<Record<string, unknown>>;
}

/**
 * Operator-trusted facts the signer hands `decode` besides the request. Never client data: a plugin may use them to
 * name and decode what it would otherwise see as opaque bytes.
 */
export interface DecodeContext {
  /**
   * The contracts registered with the REST gateway (config `[gateway.contracts.<name>]` and admin registrations) on
   * networks of this chain, in registry order. A call to one of them can be decoded by its ABI (name, signature and
   * arguments in the intent's contract call), whichever route sends it.
   */
  readonly contracts?: readonly DecodeContract[];
}

/** What `decode` returns: the decoded transaction, its policy facts and the exact bytes that will be signed. */
export interface DecodedRequest<D = unknown> {
  readonly decoded: D;
  readonly intent: Intent;
  /** Exactly what the key backend will sign (or hash and sign); the replay cache and the audit log key on it. */
  readonly signingBytes: Uint8Array;
  /**
   * What else shapes the response body besides `signingBytes` (e.g. the whole transaction whose signed copy is
   * returned): a replay is served from the cache only when this matches too. Absent: the signed bytes decide alone.
   */
  readonly replayVariant?: string;
}

/** How an operator reads amounts of one asset: `3000000000` native on Solana is `3 SOL` (symbol SOL, 9 decimals). */
export interface AssetUnit {
  readonly symbol: string;
  readonly decimals: number;
}

/** What `sign` returns. */
export interface SignedResponse {
  /** The JSON response body sent to the client, using the chain's wire names (e.g. `signature_b64`). */
  readonly body: Readonly<Record<string, unknown>>;
  /** The raw signature bytes, for the audit record's hash. */
  readonly signature: Uint8Array;
}

/**
 * What a chain plugin implements. A plugin never sees tokens, policy configuration or HTTP objects:
 * it turns a validated request body into facts, and decoded bytes into a signature through the backend.
 *
 * Both methods fail closed by throwing OpenKmsError (decode_failed, unsupported, signer_mismatch, chain_id_mismatch, …).
 * The optional ChainPolicyHooks let the signer validate a key's options and policy ids at load time.
 */
export interface ChainSigner<Req = Record<string, unknown>, D = unknown> extends ChainPolicyHooks {
  /** Route segment: POST /sign/<chain>. Lower-case letters, digits and dashes. */
  readonly chain: string;
  readonly apiVersion: typeof CHAIN_PLUGIN_API_VERSION;
  readonly curve: Curve;
  /** JSON Schema of the sign-request body. Must require `label` (string). */
  readonly requestSchema: JsonSchema;
  /** JSON Schema of the 200 response body. */
  readonly responseSchema: JsonSchema;
  /** A one-line description for the OpenAPI document. */
  readonly summary: string;
  /** The chain address of a public key (for /keys and for checking that the key is the signer). */
  address(publicKey: Uint8Array, options: Readonly<Record<string, unknown>>): string;
  decode(request: Req, key: ChainKey, context?: DecodeContext): Promise<DecodedRequest<D>> | DecodedRequest<D>;
  sign(decoded: DecodedRequest<D>, key: ChainKey, backend: KeyBackend): Promise<SignedResponse>;
  /**
   * Optional: the unit of an asset id of this chain (`native`, `denom:uatom`, …) for operators reading a held request
   * (`openkms approvals show`: `3 SOL` rather than `3000000000 native`). Only assets the plugin knows for certain;
   * undefined: shown in base units. Never derived from a request's own claims.
   */
  describeAsset?(asset: string): AssetUnit | undefined;
  /** Optional: a JSON-RPC endpoint for this chain (POST /rpc/<chain>/<network>), see chain-rpc.ts. */
  readonly rpc?: ChainRpc;
  /** Optional: a REST gateway to registered contracts (/gateway/...), see chain-gateway.ts. Needs `rpc` (its networks). */
  readonly gateway?: ChainGateway;
  /**
   * Optional: loads what `decode` and `sign` need when the plugin imports it lazily (heavy decoders), so the first
   * request does not wait for it. The signer calls it once its HTTP server listens, for chains that have keys.
   * Rejects when that code cannot be loaded (every request would then fail closed).
   */
  prepare?(): Promise<void>;
}

/** The `openkms` block a plugin package declares in its package.json. */
export interface PluginManifest {
  readonly plugin: 'chain';
  readonly apiVersion: number;
}

/**
 * What a plugin package's main module exports as default: a factory, so one installed package can be
 * configured (options come from the signer's config, `[plugins.<chain>]`).
 */
export interface ChainPlugin {
  readonly apiVersion: typeof CHAIN_PLUGIN_API_VERSION;
  readonly chain: string;
  create(options: Readonly<Record<string, unknown>>): ChainSigner<any, any>;
}

/** Identity helper that type-checks a plugin definition. */
export function defineChainPlugin(plugin: ChainPlugin): ChainPlugin {
  return plugin;
}
