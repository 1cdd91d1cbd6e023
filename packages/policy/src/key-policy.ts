/**
 * The policy of one key, in its normalised JSON form: snake_case field names as written in TOML, caps as decimal
 * strings in base units, chain aliases folded (e.g. Solana's `per_tx_cap_lamports` → `per_tx_caps.native`), defaults
 * filled in.
 *
 * This one shape is what `parsePolicy` returns, what the engine evaluates (after compiling it), what `view()` shows
 * and what `policyVersion` hashes. Objects returned by `parsePolicy` are deeply frozen.
 */
export interface KeyPolicy {
  /** False stops every signature of this key (the per-key kill switch can only disable on top of it). */
  readonly enabled: boolean;
  readonly max_signs_per_minute?: number;
  readonly max_signs_per_hour?: number;
  readonly max_signs_per_day?: number;
  /** Asset id → cap per transaction (sum of all transfers of that asset in one transaction). */
  readonly per_tx_caps: Readonly<Record<string, string>>;
  /** Asset id → cap over a rolling 24 h window (reserved + committed signatures). */
  readonly window_caps: Readonly<Record<string, string>>;
  /** Fee asset id → cap on the fees of one transaction. */
  readonly fee_caps: Readonly<Record<string, string>>;
  /**
   * When true (the default), a transfer of an asset that has no per-tx or window cap (nor a per-message cap) is denied.
   * False is dangerous: every asset no cap names can then be sent in any amount.
   */
  readonly deny_uncapped_assets: boolean;
  /**
   * Deprecated (logs a warning): true admits undecoded actions of every allowed program. Prefer
   * `allowed_programs[].allow_unknown_instructions` on the one program that needs it. Default false.
   */
  readonly allow_unknown_instructions: boolean;
  /** Programs (Solana program ids, or EVM contracts) a transaction may invoke. Empty: none. */
  readonly allowed_programs: readonly AllowedProgram[];
  /** Message type URLs (Cosmos) a transaction may contain, each with its own restrictions. Empty: none. */
  readonly allowed_messages: readonly AllowedMessage[];
  /** Recipient allowlists per asset and/or per program. */
  readonly allowed_recipients: readonly AllowedRecipients[];
  /** Contracts (EVM) a transaction may call directly, each with its allowed methods. Absent or empty: none. */
  readonly allowed_contracts?: readonly AllowedContract[];
  /** Risk flags (`unlimited_approval`, `contract_creation`, …) this key may carry. Absent or empty: none. */
  readonly allowed_flags?: readonly string[];
  /** Otherwise allowed requests that wait for an operator's approval before they are signed. Absent: none waits. */
  readonly approval?: ApprovalPolicy;
}

/**
 * The `approval` table: a request that passes every rule but meets one of these conditions is held (HTTP 202) until
 * `quorum` distinct approvers approve it, or it is denied or expires after `ttl_secs`.
 */
export interface ApprovalPolicy {
  /** Asset id → amount in base units; a transaction moving strictly more of that asset needs an approval. */
  readonly above: Readonly<Record<string, string>>;
  /** Programs (Solana program ids) whose use needs an approval. */
  readonly programs: readonly string[];
  /** Message type URLs (Cosmos) whose use needs an approval. */
  readonly message_types: readonly string[];
  /** Contracts (EVM) whose direct call needs an approval. */
  readonly contracts: readonly string[];
  /** Seconds a request waits for its approval before it expires (default 900). */
  readonly ttl_secs: number;
  /** Token names that may approve (each also needs admin scope or an `approve` scope naming the key). Empty: any such token. */
  readonly approvers: readonly string[];
  /** Distinct approver token names needed (default 1). */
  readonly quorum: number;
  /** This key's own webhook (besides the signer's `[approvals]` one): changes of its approvals are POSTed here. */
  readonly webhook_url?: string;
  /** The file holding that webhook's HMAC-SHA256 secret (mode 0600; relative to the config file's directory). */
  readonly webhook_secret_file?: string;
  /** Also send the request as the agent sent it (its raw transaction bytes) to this key's webhook (default false). */
  readonly webhook_include_request?: boolean;
}

/** One `allowed_contracts` entry. Addresses are normalised to lower case. */
export interface AllowedContract {
  readonly address: string;
  /** Method names (`transfer`) or 4-byte selectors (`0x095ea7b3`, lower case), or `*` for any method. */
  readonly methods: readonly string[];
  readonly comment?: string;
}

export interface AllowedProgram {
  readonly id: string;
  readonly comment?: string;
  /** When present, only these instruction kinds of the program are allowed (names as the chain plugin reports them). */
  readonly instructions?: readonly string[];
  /** True admits this program's actions the plugin could not decode (known = false). Default false. */
  readonly allow_unknown_instructions?: boolean;
}

export interface AllowedMessage {
  readonly type_url: string;
  /** When present, every transfer made through this message type must go to one of these addresses. */
  readonly allowed_recipients?: readonly string[];
  /** When present, every contract call made through this message type must target one of these contracts. */
  readonly allowed_contracts?: readonly string[];
  /** When present, every contract call made through this message type must use one of these methods. */
  readonly allowed_methods?: readonly string[];
  /** When present, every transfer through this message type (IBC MsgTransfer) must use one of these source channels. */
  readonly allowed_channels?: readonly string[];
  /** Asset id (`denom:uatom`; a bare denom is folded by the Cosmos plugin) → cap per transaction through this message type. */
  readonly per_tx_cap?: Readonly<Record<string, string>>;
}

/**
 * A recipient allowlist. It applies to a transfer when `program` (if given) equals the transfer's `via` and `asset`
 * (if given) equals its asset; with neither, it applies to every transfer. A transfer must satisfy every entry that
 * applies to it.
 */
export interface AllowedRecipients {
  readonly program?: string;
  readonly asset?: string;
  readonly addresses: readonly string[];
}

type Patch<T> = T extends readonly unknown[] ? T : T extends Readonly<Record<string, string>> ? Readonly<Record<string, string | null>> : T;

/**
 * A partial policy as sent to PATCH /admin/keys/{label}/policy and stored as a runtime overlay.
 * `null` clears the field from the overlay (the config value applies again); inside the cap maps `null` clears one
 * asset. Aliases are folded as in `KeyPolicy`. Stored overlays never contain `null`.
 */
export type PolicyOverlay = { readonly [K in keyof KeyPolicy]?: Patch<KeyPolicy[K]> | null };
