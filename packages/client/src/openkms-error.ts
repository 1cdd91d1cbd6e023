/**
 * The one error the client throws. A refusal or failure answered by the signer carries the signer's stable `code`
 * (see the README's code table), the HTTP `status`, the structured `details` (a policy denial's failing rule and its
 * facts), the `requestId` that the signer's audit record and logs carry, and `retryAfter` (seconds) for 429/503.
 * Errors raised on the client side have no status and one of {@link ClientErrorCode}.
 */
export class OpenKmsError extends Error {
  override readonly name = 'OpenKmsError';
  /** The signer's stable machine code (e.g. `per_tx_cap_exceeded`), or a {@link ClientErrorCode}. */
  readonly code: string;
  /** The HTTP status; undefined for errors raised on the client side. */
  readonly status: number | undefined;
  /** Structured context (never secrets): for a policy denial, the failing rule and its facts (DenialDetails). */
  readonly details: Readonly<Record<string, unknown>>;
  /** The request id (the response's `request_id`, else its `x-request-id` header): find the audit record with it. */
  readonly requestId: string | undefined;
  /** Seconds to wait before retrying (429/503: the `Retry-After` header, else `details.retry_after_secs`). */
  readonly retryAfter: number | undefined;

  constructor(init: {
    code: string;
    message: string;
    status?: number;
    details?: Readonly<Record<string, unknown>>;
    requestId?: string;
    retryAfter?: number;
    cause?: unknown;
  }) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.code = init.code;
    this.status = init.status;
    this.details = init.details ?? {};
    this.requestId = init.requestId;
    this.retryAfter = init.retryAfter;
  }
}

/** Codes of errors raised by the client itself (the signer's own codes come from its answers). */
export const ClientErrorCode = {
  /** The operation exists in the chain library's interface but not in the openKMS API (see the README). */
  unsupported: 'unsupported',
  /**
   * The signer held the request for an operator approval (202) and no decision came within the wait the call allowed
   * (`approvalWaitMs`, default 0): `details` has `approval_id`, `expires_at` and `reasons`; wait on it with
   * `client.awaitApproval(details.approval_id)`.
   */
  approvalPending: 'approval_pending',
  /** The request never got an answer (connection refused, DNS, TLS, aborted). */
  networkError: 'network_error',
  /** An answer that is not what the API documents (an error without a JSON error body, a success missing fields). */
  invalidResponse: 'invalid_response',
  /** The label is not among the keys the token can see (GET /keys). */
  unknownLabel: 'unknown_label',
  /** The chain library asked the adapter to sign for an address that is not the key's, or the key is of another chain. */
  signerMismatch: 'signer_mismatch',
  /** A request the client will not send (e.g. a transaction without a chain id): the signer's code for the same. */
  invalidRequest: 'invalid_request',
  /** The key has no address or public key now (the key backend is unreachable, or the key is missing from it). */
  keyUnavailable: 'key_unavailable',
} as const;

export function isOpenKmsError(err: unknown): err is OpenKmsError {
  return err instanceof OpenKmsError;
}

/** Seconds from a `Retry-After` header: delta seconds or an HTTP date (RFC 9110); undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^[0-9]+$/.test(trimmed)) return Number(trimmed);
  // an HTTP date names its day and month (Date.parse would also read "-1" or "2026" as a date)
  if (!/^[A-Za-z]{3}, /.test(trimmed)) return undefined;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

/** The error for a non-2xx answer, from its parsed body (the signer's `{error, code, request_id, details?}`). */
export function errorFromResponse(response: Response, body: unknown): OpenKmsError {
  const b = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined;
  const details = b && typeof b.details === 'object' && b.details !== null ? (b.details as Record<string, unknown>) : {};
  const fromDetails = typeof details.retry_after_secs === 'number' ? details.retry_after_secs : undefined;
  const retryAfter = parseRetryAfter(response.headers.get('retry-after')) ?? fromDetails;
  const requestId = (typeof b?.request_id === 'string' && b.request_id) || response.headers.get('x-request-id') || undefined;
  const hasCode = typeof b?.code === 'string';
  return new OpenKmsError({
    code: hasCode ? (b!.code as string) : ClientErrorCode.invalidResponse,
    message: hasCode && typeof b!.error === 'string' ? b!.error : `HTTP ${response.status} without an openKMS error body`,
    status: response.status,
    details,
    ...(requestId !== undefined ? { requestId } : {}),
    ...(retryAfter !== undefined ? { retryAfter } : {}),
  });
}
