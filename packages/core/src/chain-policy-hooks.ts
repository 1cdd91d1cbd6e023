import type { JsonSchema } from './json-schema.js';

/**
 * What kind of identifier a policy names, so the chain plugin can check it:
 * - `asset`: an asset id (`native`, `spl:<mint>`, `denom:<denom>`, `erc20:<contract>`, …);
 * - `program`: a program id (Solana) or another invoked-code id (`allowed_programs[].id`, `allowed_recipients[].program`);
 * - `address`: a recipient address (`allowed_recipients[].addresses`, `allowed_messages[].allowed_recipients`);
 * - `contract`: a contract address (`allowed_messages[].allowed_contracts`);
 * - `message_type`: a message type URL (`allowed_messages[].type_url`);
 * - `method`: a contract method name (`allowed_messages[].allowed_methods`).
 */
export type PolicyIdKind = 'asset' | 'program' | 'address' | 'contract' | 'message_type' | 'method';

/** One policy field that stands for one asset's entry in a cap map, e.g. `per_tx_cap_lamports` → `per_tx_caps.native`. */
export interface PolicyFieldAlias {
  readonly field: 'per_tx_caps' | 'window_caps' | 'fee_caps';
  readonly asset: string;
  /** One line for the JSON Schema and the docs. */
  readonly description?: string;
}

/** Chain-specific spellings a plugin accepts in a key's policy (the policy engine itself knows none). */
export interface PolicyAliases {
  /** Extra top-level policy fields, each the cap of one asset (`per_tx_cap_lamports`, `daily_cap_lamports` for Solana). */
  readonly fields?: Readonly<Record<string, PolicyFieldAlias>>;
  /**
   * The asset namespace of a bare key in `allowed_messages[].per_tx_cap` (Cosmos: `denom`, so `uatom` means
   * `denom:uatom`). Without it, every key there must be a full asset id.
   */
  readonly bareAssetNamespace?: string;
}

/**
 * The optional policy and configuration hooks of a ChainSigner. A plugin without them still loads; the signer then
 * treats the key conservatively (see the signer's README, "Plugins without policy hooks").
 */
export interface ChainPolicyHooks {
  /**
   * JSON Schema of a key's `[keys.<label>.options]` table (no `$schema`). It should set `additionalProperties: false`
   * and require the option that names the key's network. Absent: the key may set no options.
   */
  readonly keyOptionsSchema?: JsonSchema;
  /** The network a key is pinned to (Solana cluster, Cosmos chain id, EVM chain id), from its validated options. */
  network?(options: Readonly<Record<string, unknown>>): string | undefined;
  /**
   * Checks an id written in a key's policy. Returns a short reason when `value` is not a valid id of that kind for a
   * key with these options (including an asset id this chain can never produce), undefined when it is valid.
   * `context.via` is, for a recipient address, the message type or program it is allowed through (an IBC transfer's
   * receiver lives on another chain, with another address prefix).
   */
  checkPolicyId?(kind: PolicyIdKind, value: string, options: Readonly<Record<string, unknown>>, context?: { readonly via?: string }): string | undefined;
  /** Chain-specific policy spellings (kept for configs of the original openKMS). */
  readonly policyAliases?: PolicyAliases;
}
