/**
 * Stable machine-readable error codes shared by every openKMS package.
 *
 * A code never changes meaning once released; new failure modes get new codes. The human message may change.
 * HTTP status mapping lives in the signer app, not here.
 */
export const ErrorCode = {
  // request shape and routing
  invalidRequest: 'invalid_request',
  malformedJson: 'malformed_json',
  payloadTooLarge: 'payload_too_large',
  unsupportedMediaType: 'unsupported_media_type',
  notFound: 'not_found',
  methodNotAllowed: 'method_not_allowed',
  unknownLabel: 'unknown_label',
  unknownChain: 'unknown_chain',
  // authentication and authorisation
  unauthorized: 'unauthorized',
  forbiddenScope: 'forbidden_scope',
  // chain decoding (fail closed)
  decodeFailed: 'decode_failed',
  chainIdMismatch: 'chain_id_mismatch',
  signerMismatch: 'signer_mismatch',
  unknownInstruction: 'unknown_instruction',
  wrongChain: 'wrong_chain',
  // policy
  policyDenied: 'policy_denied',
  keyDisabled: 'key_disabled',
  globalDisabled: 'global_disabled',
  programNotAllowed: 'program_not_allowed',
  messageNotAllowed: 'message_not_allowed',
  recipientNotAllowed: 'recipient_not_allowed',
  contractNotAllowed: 'contract_not_allowed',
  methodNotAllowedByPolicy: 'method_not_allowed_by_policy',
  perTxCapExceeded: 'per_tx_cap_exceeded',
  windowCapExceeded: 'window_cap_exceeded',
  /** One transaction moves more than the whole rolling-window cap: waiting cannot help. */
  txExceedsWindowCap: 'tx_exceeds_window_cap',
  feeCapExceeded: 'fee_cap_exceeded',
  rateLimited: 'rate_limited',
  unknownInstructionDenied: 'unknown_instruction_denied',
  undecodableDenied: 'undecodable_denied',
  // key backend
  keyNotFound: 'key_not_found',
  backendUnavailable: 'backend_unavailable',
  backendError: 'backend_error',
  backendTimeout: 'backend_timeout',
  signatureVerificationFailed: 'signature_verification_failed',
  // audit
  auditWriteFailed: 'audit_write_failed',
  auditChainBroken: 'audit_chain_broken',
  // runtime state (kill switches, overlays)
  stateWriteFailed: 'state_write_failed',
  // load and lifecycle
  overloaded: 'overloaded',
  deadlineExceeded: 'deadline_exceeded',
  shuttingDown: 'shutting_down',
  // configuration and plugins
  configInvalid: 'config_invalid',
  pluginIncompatible: 'plugin_incompatible',
  pluginInvalid: 'plugin_invalid',
  insecureFile: 'insecure_file',
  conflict: 'conflict',
  internal: 'internal_error',
  // policy (appended)
  /** A transfer of an asset with no cap, under `deny_uncapped_assets = true`. */
  uncappedAssetDenied: 'uncapped_asset_denied',
  // chain decoding (appended)
  /** Well-formed input that uses something this signer does not support (a message version, a sign mode): not a decoding error. */
  unsupported: 'unsupported',
  // audit (appended)
  /**
   * The audit record of this request would exceed the record size limit even after bounding: it cannot be recorded,
   * so it is refused (an allowed signature is discarded). Not retryable as sent: the same request fails the same way.
   */
  auditRecordTooLarge: 'audit_record_too_large',
  // abuse limits (appended)
  /** The token used up its `denied_per_minute` budget of refused requests: further requests are refused until the window ends. */
  denialBudgetExceeded: 'denial_budget_exceeded',
  // policy (appended)
  /** An IBC transfer through a source channel that is not in `allowed_messages[].allowed_channels`. */
  channelNotAllowed: 'channel_not_allowed',
  /** The transaction carries a risk flag (contract creation, unlimited approval, EIP-7702 delegation, …) that the key's `allowed_flags` does not list. */
  flagNotAllowed: 'flag_not_allowed',
  // chain data sources (appended)
  /** A versioned message reads accounts from lookup tables but no trusted source is configured (pinned tables or an RPC). */
  lookupTableSourceMissing: 'lookup_table_source_missing',
  /** A lookup table the message references does not exist (or is not a lookup table) at the trusted source. */
  lookupTableNotFound: 'lookup_table_not_found',
  /** A message reads an index past the trusted lookup table's current length. */
  lookupTableIndexOutOfRange: 'lookup_table_index_out_of_range',
  /** Client-supplied lookup table contents differ from the trusted source's. */
  lookupTableMismatch: 'lookup_table_mismatch',
  /** The operator's chain RPC endpoint did not answer (in time): retry later. */
  rpcUnavailable: 'rpc_unavailable',
  /** An instruction kind the key's `allowed_programs[].instructions` list does not name for that program. */
  instructionNotAllowed: 'instruction_not_allowed',
  // JSON-RPC endpoint (appended)
  /** A JSON-RPC method the endpoint neither answers nor passes through to its node (or refuses, like eth_sign). */
  rpcMethodNotAllowed: 'rpc_method_not_allowed',
  /** The network's upstream node answered with a JSON-RPC error (its code and message are passed on). */
  upstreamRejected: 'upstream_rejected',
  // REST gateway (appended)
  /** No contract of that name is registered with the REST gateway (config `[gateway.contracts.<name>]` or the admin API). */
  unknownContract: 'unknown_contract',
  /** The contract's ABI has no function of that name or signature (or the name is overloaded: use the signature). */
  unknownMethod: 'unknown_method',
  /** The gateway call's signing key (`kld-from` / `x-openkms-from`) is neither a key label nor a key's address. */
  unknownFrom: 'unknown_from',
  /** A contract ABI that is not a valid JSON ABI (the error names the entry and the offending item). */
  abiInvalid: 'abi_invalid',
  // operator approvals (appended)
  /** The request needs an operator's approval (the key's `approval` table) but came through a route that cannot wait for one (JSON-RPC, gateway). */
  approvalRequired: 'approval_required',
  /** No approval with that id (or not one this token requested). */
  approvalNotFound: 'approval_not_found',
  /** The approval is already decided (approved, denied, expired or failed): it can no longer be approved or denied. */
  approvalNotPending: 'approval_not_pending',
  /** An operator denied the request that waited for an approval; its reserved budget was released. */
  approvalDenied: 'approval_denied',
  /** Nobody approved the request before its `ttl_secs` ran out; its reserved budget was released. */
  approvalExpired: 'approval_expired',
  /** The token may not approve this request: it requested it, it is not among the key's `approval.approvers`, or it already approved it. */
  approverNotAllowed: 'approver_not_allowed',
  // agent pairing (appended)
  /** No pairing with that id (or pairing is disabled on this signer). */
  pairingNotFound: 'pairing_not_found',
  /** The pairing is already decided (approved, denied, delivered or expired): it can no longer be approved or denied. */
  pairingNotPending: 'pairing_not_pending',
  /** The operator's code does not match the one the agent was shown; too many wrong codes deny the pairing. */
  pairingCodeMismatch: 'pairing_code_mismatch',
  /** An operator denied the pairing (or too many wrong codes were entered): no token was made. */
  pairingDenied: 'pairing_denied',
  /** Nobody approved the pairing (or the agent did not fetch its token) before it expired. */
  pairingExpired: 'pairing_expired',
  /** The pairing's sealed token was already delivered once; it is never delivered again. */
  pairingDelivered: 'pairing_delivered',
  /** Too many pairing requests (from this address, from everyone this minute, or too many pending): retry later. */
  pairingRateLimited: 'pairing_rate_limited',
  // fleet mode (appended)
  /** The shared state store (Redis, `[state] kind = "redis"`) is unreachable or failed: nothing is signed until it answers again. Retry later. */
  stateUnavailable: 'state_unavailable',
  // device attestation (appended)
  /**
   * A key's attestation does not prove what it must (`context.reason`): `chain_untrusted` (the certificate chain does
   * not end at the operator's root, or a signature does not verify), `public_key_mismatch`, `object_mismatch`,
   * `not_generated` (the device says the key was imported), `expired`, `malformed`, or `unavailable`.
   */
  attestationFailed: 'attestation_failed',
  // fleet mode: lost shared state (appended)
  /**
   * Fleet mode: Redis answers but the fleet's state is gone (its fleet marker is missing: a FLUSHALL, a restart without
   * persistence, a new Redis). Nothing is signed until an operator runs `openkms state rebuild` (counters from the
   * instances' audit logs); the signer never starts again from zero counters on its own.
   */
  stateLost: 'state_lost',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

const KNOWN_CODES: ReadonlySet<string> = new Set(Object.values(ErrorCode));

/** True when `code` is one of the stable codes above. */
export function isErrorCode(code: unknown): code is ErrorCode {
  return typeof code === 'string' && KNOWN_CODES.has(code);
}

/** Structured context attached to an error. Must never contain secrets (tokens, passwords, key material). */
export type ErrorContext = Readonly<Record<string, string | number | boolean | null | undefined | readonly string[]>>;

/** The one error type every openKMS package throws for expected failures. */
export class OpenKmsError extends Error {
  readonly code: ErrorCode;
  readonly context: ErrorContext;

  constructor(code: ErrorCode, message: string, context: ErrorContext = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OpenKmsError';
    this.code = code;
    this.context = context;
  }

  toJSON(): { code: ErrorCode; message: string; context: ErrorContext } {
    return { code: this.code, message: this.message, context: this.context };
  }
}

export function isOpenKmsError(err: unknown): err is OpenKmsError {
  return (
    err instanceof OpenKmsError ||
    (typeof err === 'object' && err !== null && (err as { name?: unknown }).name === 'OpenKmsError' && isErrorCode((err as { code?: unknown }).code))
  );
}

/** Shorthand used across packages: `throw openKmsError('decode_failed', 'bad base64', { field: 'message_b64' })`. */
export function openKmsError(code: ErrorCode, message: string, context?: ErrorContext, cause?: unknown): OpenKmsError {
  return new OpenKmsError(code, message, context, cause === undefined ? undefined : { cause });
}
