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
  /** The method's selector where the chain has one (EVM: `0x` + 4 bytes, lower-case hex), known name or not. */
  readonly selector?: string;
  /** The message type or program through which the call is made. */
  readonly via: string;
  /** The registered contract's name, when the call was decoded by an ABI the operator registered (REST gateway contracts). */
  readonly contractName?: string;
  /** The called function's canonical signature (e.g. `transfer(address,uint256)`), when decoded by a registered ABI. */
  readonly signature?: string;
  /**
   * The arguments decoded by a registered ABI, keyed by input name (unnamed: `arg<i>`), JSON-safe: integers as decimal
   * strings, addresses checksummed, bytes as 0x hex, tuples as objects, arrays as arrays.
   */
  readonly args?: Readonly<Record<string, unknown>>;
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
  // Informational (see INFORMATIONAL_FLAGS).
  /** The fee is paid by another account (a fee granter or fee payer other than the signer); see `notes`. */
  | 'fee_delegated'
  /** The transaction uses a durable nonce instead of a recent blockhash: it does not expire until the nonce advances. */
  | 'durable_nonce'
  // Risk flags: each one denies unless the key's policy lists it in `allowed_flags` (see RISK_FLAGS).
  /**
   * The transaction hands power over the signer's account to someone else: authz/feegrant grants, a new reward address,
   * account ownership, a nonce or token authority, a token delegate.
   */
  | 'authority_change'
  /** The transaction instantiates a contract (new code running with funds and an admin the policy cannot inspect). */
  | 'contract_instantiation'
  /** Deploys a contract (EVM: a transaction without `to`). */
  | 'contract_creation'
  /** Grants a spender an unlimited (or practically unlimited) allowance of a token. */
  | 'unlimited_approval'
  /** Moves a non-fungible or multi-token (ERC-721 / ERC-1155) asset, whose value the intent cannot express. */
  | 'nft_transfer'
  /** Lets an operator move every token of a collection (`setApprovalForAll(operator, true)`). */
  | 'nft_approval_for_all'
  /** An EIP-4844 blob transaction. */
  | 'blob_transaction'
  /** Delegates the account to code (an EIP-7702 authorization): hands the whole account to a contract. */
  | 'delegation_authorization'
  /** An off-chain message signature (EIP-191 personal message): its meaning is not known to the signer. */
  | 'personal_message';

/**
 * Flags that describe what a transaction does rather than how well it was decoded. The policy denies a transaction
 * carrying any flag outside {@link STRUCTURAL_FLAGS} and {@link INFORMATIONAL_FLAGS} unless the key's `allowed_flags`
 * lists it (also a flag it does not know: fail closed).
 */
export const RISK_FLAGS = [
  'contract_creation',
  'unlimited_approval',
  'nft_transfer',
  'nft_approval_for_all',
  'blob_transaction',
  'delegation_authorization',
  'personal_message',
  'authority_change',
  'contract_instantiation',
] as const satisfies readonly IntentFlag[];

/** Flags that only inform (recorded in the intent and the audit record), never a reason to deny by themselves. */
export const INFORMATIONAL_FLAGS = ['fee_delegated', 'durable_nonce'] as const satisfies readonly IntentFlag[];

/** The decoding flags, handled by their own policy rules (`undecodable`, `unknown_instruction`, `unresolved_accounts`). */
export const STRUCTURAL_FLAGS = ['undecodable', 'unknown_instruction', 'unresolved_accounts'] as const satisfies readonly IntentFlag[];

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
  readonly contracts: readonly {
    contract: string;
    method?: string;
    selector?: string;
    via: string;
    contract_name?: string;
    signature?: string;
    args?: Readonly<Record<string, unknown>>;
  }[];
  readonly transfers: readonly { asset: string; amount: string; from: string; to: string; via: string; channel?: string }[];
  readonly fees: readonly { asset: string; amount: string; payer?: string }[];
  readonly flags: readonly IntentFlag[];
  readonly notes?: readonly string[];
  readonly memos?: readonly string[];
}

export function summarizeIntent(intent: Intent): IntentSummary {
  return {
    chain: intent.chain,
    ...(intent.network === undefined ? {} : { network: intent.network }),
    signer: intent.signer,
    programs: intent.programs,
    message_types: intent.messageTypes,
    contracts: intent.contracts.map((c) => ({
      contract: c.contract,
      ...(c.method === undefined ? {} : { method: c.method }),
      ...(c.selector === undefined ? {} : { selector: c.selector }),
      via: c.via,
      ...(c.contractName === undefined ? {} : { contract_name: c.contractName }),
      ...(c.signature === undefined ? {} : { signature: c.signature }),
      ...(c.args === undefined ? {} : { args: c.args }),
    })),
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
    ...(intent.memos === undefined || intent.memos.length === 0 ? {} : { memos: intent.memos }),
  };
}
