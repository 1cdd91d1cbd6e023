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
  /** IBC transfers: the source channel the packet leaves through (e.g. `channel-141`), for channel allowlists. */
  readonly channel?: string;
}

export interface Fee {
  readonly asset: string;
  readonly amount: bigint;
  /**
   * The account the fee is taken from, when the plugin knows it. A fee whose payer is the intent's signer counts
   * as spend in its asset (per-tx and rolling-window caps) besides `fee_caps`; without a payer only `fee_caps` apply.
   */
  readonly payer?: string;
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
  /** The transaction hands power over the signer's account to someone else (authz/feegrant grants, a new reward address). */
  | 'authority_change'
  /** The transaction instantiates a contract (new code running with funds and an admin the policy cannot inspect). */
  | 'contract_instantiation'
  /** The fee is paid by another account (a fee granter or fee payer other than the signer); see `notes`. */
  | 'fee_delegated';

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
  /**
   * Facts policy does not evaluate but the audit log records, as `name=value` strings (e.g. `fee_granter=cosmos1…`,
   * `non_critical_extension_option=/x.y.Z`).
   */
  readonly notes?: readonly string[];
}

/** A JSON-safe view of an intent (bigints as decimal strings), for audit records and explain responses. */
export interface IntentSummary {
  readonly chain: string;
  readonly network?: string;
  readonly signer: string;
  readonly programs: readonly string[];
  readonly message_types: readonly string[];
  readonly contracts: readonly { contract: string; method?: string; via: string }[];
  readonly transfers: readonly { asset: string; amount: string; from: string; to: string; via: string; channel?: string }[];
  readonly fees: readonly { asset: string; amount: string; payer?: string }[];
  readonly flags: readonly IntentFlag[];
  readonly notes?: readonly string[];
}

export function summarizeIntent(intent: Intent): IntentSummary {
  return {
    chain: intent.chain,
    ...(intent.network === undefined ? {} : { network: intent.network }),
    signer: intent.signer,
    programs: intent.programs,
    message_types: intent.messageTypes,
    contracts: intent.contracts.map((c) => ({ contract: c.contract, ...(c.method === undefined ? {} : { method: c.method }), via: c.via })),
    transfers: intent.transfers.map((t) => ({
      asset: t.asset,
      amount: t.amount.toString(),
      from: t.from,
      to: t.to,
      via: t.via,
      ...(t.channel === undefined ? {} : { channel: t.channel }),
    })),
    fees: intent.fees.map((f) => ({ asset: f.asset, amount: f.amount.toString(), ...(f.payer === undefined ? {} : { payer: f.payer }) })),
    flags: intent.flags,
    ...(intent.notes === undefined || intent.notes.length === 0 ? {} : { notes: intent.notes }),
  };
}
