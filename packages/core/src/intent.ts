/**
 * The chain-agnostic facts a chain plugin extracts from a transaction. Policy sees only this, never chain bytes.
 */

/** One movement of value. Amounts are in the asset's base units. */
export interface Transfer {
  /**
   * Asset id, namespaced by chain convention: `native` for the chain's fee asset (lamports, wei),
   * `spl:<mint>` for SPL tokens, `denom:<denom>` for Cosmos bank denominations, `erc20:<contract>` for ERC-20.
   */
  readonly asset: string;
  readonly amount: bigint;
  readonly from: string;
  readonly to: string;
  /** The program, message type or contract that moves it (e.g. the System program id, `/cosmos.bank.v1beta1.MsgSend`). */
  readonly via: string;
  /**
   * Optional chain-specific ownership relation, supplied by the plugin: true when `to` is an account held for the
   * address `owner` in the chain's own sense (e.g. `to` is the SPL associated token account of wallet `owner` for this
   * mint and token program, found by derivation). Recipient allowlists then accept `owner` for `to`. Must be pure and
   * cheap; an exception counts as false. Not part of the audit summary.
   */
  readonly toOwnedBy?: (owner: string) => boolean;
}

export interface Fee {
  readonly asset: string;
  readonly amount: bigint;
}

/** A contract call: who is called and which method (EVM selector name, CosmWasm execute message key, …). */
export interface ContractCall {
  readonly contract: string;
  readonly method?: string;
  /** The message type or program through which the call is made. */
  readonly via: string;
}

/** One instruction or message, as the plugin understood it. */
export interface IntentAction {
  /** Program id (Solana), type URL (Cosmos), contract address (EVM). */
  readonly program: string;
  /** A short name of what it does (`transfer`, `MsgSend`, `set_compute_unit_price`), or `unknown`. */
  readonly kind: string;
  /** False when the plugin could not decode what the action does: policy denies unless allowed explicitly. */
  readonly known: boolean;
}

export type IntentFlag =
  /** Part of the transaction could not be decoded; policy must deny. */
  | 'undecodable'
  /** At least one action is not understood (see actions[].known). */
  | 'unknown_instruction'
  /** The transaction uses on-chain state the plugin could not see (e.g. an unresolved lookup table). */
  | 'unresolved_accounts'
  /** The transaction uses a durable nonce instead of a recent blockhash: it does not expire until the nonce advances. */
  | 'durable_nonce'
  /** An action hands over an authority: account ownership, a nonce or token authority, a token delegate. */
  | 'authority_change';

export interface Intent {
  readonly chain: string;
  /** Network id: Solana cluster name, Cosmos chain id, EVM chain id as a decimal string. */
  readonly network?: string;
  /** The address that signs. */
  readonly signer: string;
  readonly actions: readonly IntentAction[];
  /** Distinct programs / message type URLs / contracts invoked, in first-seen order. */
  readonly programs: readonly string[];
  readonly messageTypes: readonly string[];
  readonly contracts: readonly ContractCall[];
  readonly transfers: readonly Transfer[];
  readonly fees: readonly Fee[];
  readonly flags: readonly IntentFlag[];
  /** Free-text notes the transaction carries (Solana memos, a Cosmos tx memo), each truncated by the plugin. */
  readonly memos?: readonly string[];
}

/** A JSON-safe view of an intent (bigints as decimal strings), for audit records and explain responses. */
export interface IntentSummary {
  readonly chain: string;
  readonly network?: string;
  readonly signer: string;
  readonly programs: readonly string[];
  readonly message_types: readonly string[];
  readonly contracts: readonly { contract: string; method?: string; via: string }[];
  readonly transfers: readonly { asset: string; amount: string; from: string; to: string; via: string }[];
  readonly fees: readonly { asset: string; amount: string }[];
  readonly flags: readonly IntentFlag[];
  readonly memos?: readonly string[];
}

export function summarizeIntent(intent: Intent): IntentSummary {
  return {
    chain: intent.chain,
    ...(intent.network === undefined ? {} : { network: intent.network }),
    signer: intent.signer,
    programs: intent.programs,
    message_types: intent.messageTypes,
    contracts: intent.contracts.map((c) => ({ contract: c.contract, ...(c.method === undefined ? {} : { method: c.method }), via: c.via })),
    transfers: intent.transfers.map((t) => ({ asset: t.asset, amount: t.amount.toString(), from: t.from, to: t.to, via: t.via })),
    fees: intent.fees.map((f) => ({ asset: f.asset, amount: f.amount.toString() })),
    flags: intent.flags,
    ...(intent.memos === undefined || intent.memos.length === 0 ? {} : { memos: intent.memos }),
  };
}
