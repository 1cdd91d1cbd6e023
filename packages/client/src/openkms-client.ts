import createClient, { type Client } from 'openapi-fetch';
import type { paths } from './openapi-types.js';
import type {
  ApprovalPending,
  CosmosSignRequest,
  CosmosSignResponse,
  EvmSignRequest,
  EvmSignResponse,
  Explanation,
  Health,
  Key,
  PolicyView,
  SignRequest,
  SolanaSignRequest,
  SolanaSignResponse,
} from './api-types.js';
import { ClientErrorCode, OpenKmsError, errorFromResponse } from './openkms-error.js';
import { retryingFetch, type RetryOptions } from './retrying-fetch.js';

export interface OpenKmsClientOptions {
  /** The signer's base URL, e.g. `https://openkms.internal:9443`. */
  readonly baseUrl: string;
  /** A bearer token (`openkms token create`); omit with mutual TLS (give a `fetch` that presents the certificate). */
  readonly token?: string;
  /** Extra headers on every request. */
  readonly headers?: Readonly<Record<string, string>>;
  /** The fetch to use (default: the global one; Node 20+ and browsers have it). */
  readonly fetch?: (request: Request) => Promise<Response>;
  /** Off by default. `true` or options: repeat 429/503 answers after their Retry-After (bounded); never a 403. */
  readonly retry?: boolean | RetryOptions;
  /**
   * How long a sign call waits (long-polling GET /approvals/{id}) when the signer holds the request for an operator
   * approval (202). Default 0: the call throws `approval_pending` at once with the approval id in `details`.
   */
  readonly approvalWaitMs?: number;
}

/** Per-call options. */
export interface CallOptions {
  readonly signal?: AbortSignal;
  /** Overrides the client's `approvalWaitMs` for this call. */
  readonly approvalWaitMs?: number;
}

export interface OpenKmsClient {
  /** Every operation of the API, typed from the OpenAPI document (openapi-fetch: answers `{ data, error, response }`). */
  readonly api: Client<paths>;
  /** GET /health (public): the report, `status` ok or degraded (a degraded signer answers 503 with the same report). */
  health(options?: CallOptions): Promise<Health>;
  /** GET /keys: the keys the token can see, with addresses and public keys. */
  keys(options?: CallOptions): Promise<Key[]>;
  /** One key of GET /keys; `unknown_label` when the token cannot see it. */
  key(label: string, options?: CallOptions): Promise<Key>;
  /** GET /policy: every visible key's effective policy and counters. */
  policies(options?: CallOptions): Promise<PolicyView[]>;
  /** GET /policy/{label}: effective policy, kill switches, rate counters and rolling spend of one key. */
  policy(label: string, options?: CallOptions): Promise<PolicyView>;
  /** POST /policy/{label}/explain: the decision a sign request would get now, every rule's verdict; consumes nothing. */
  explain(request: SignRequest, options?: CallOptions): Promise<Explanation>;
  /** Whether the sign request would be signed now (the explanation's `allowed`). */
  canSign(request: SignRequest, options?: CallOptions): Promise<boolean>;
  /**
   * Waits (long polls, bounded by `approvalWaitMs`) for a held request's decision: the sign response once approved;
   * `approval_denied` / `approval_expired` (or the signing's refusal) as an error; `approval_pending` when time runs out.
   */
  awaitApproval<T = SolanaSignResponse | CosmosSignResponse | EvmSignResponse>(approvalId: string, options?: CallOptions): Promise<T>;
  /** POST /sign/solana (a request held for an operator approval: see `approvalWaitMs`). */
  signSolana(request: SolanaSignRequest, options?: CallOptions): Promise<SolanaSignResponse>;
  /** POST /sign/cosmos. */
  signCosmos(request: CosmosSignRequest, options?: CallOptions): Promise<CosmosSignResponse>;
  /** POST /sign/evm. */
  signEvm(request: EvmSignRequest, options?: CallOptions): Promise<EvmSignResponse>;
}

type Answer<T> = { data?: T; error?: unknown; response: Response };

function networkError(err: unknown): OpenKmsError {
  if (err instanceof OpenKmsError) return err;
  return new OpenKmsError({ code: ClientErrorCode.networkError, message: `request failed: ${(err as Error)?.message ?? String(err)}`, cause: err });
}

/** The answer's data, or the {@link OpenKmsError} of a non-2xx answer or a failed request. */
export async function unwrap<T>(call: Promise<Answer<T>>): Promise<T> {
  let answer: Answer<T>;
  try {
    answer = await call;
  } catch (err) {
    throw networkError(err);
  }
  if (!answer.response.ok) throw errorFromResponse(answer.response, answer.error);
  if (answer.data === undefined) {
    throw new OpenKmsError({
      code: ClientErrorCode.invalidResponse,
      message: `HTTP ${answer.response.status} without a body`,
      status: answer.response.status,
      ...(answer.response.headers.get('x-request-id') ? { requestId: answer.response.headers.get('x-request-id')! } : {}),
    });
  }
  return answer.data;
}

/** A client for one signer. Works in Node 20+ and browsers (fetch only, no Node APIs). */
export function createOpenKmsClient(options: OpenKmsClientOptions): OpenKmsClient {
  const baseFetch = options.fetch ?? ((request: Request) => globalThis.fetch(request));
  const fetchFn = options.retry ? retryingFetch(baseFetch, options.retry === true ? {} : options.retry) : baseFetch;
  const api = createClient<paths>({
    baseUrl: options.baseUrl.replace(/\/+$/, ''),
    fetch: fetchFn,
    headers: { ...options.headers, ...(options.token !== undefined ? { authorization: `Bearer ${options.token}` } : {}) },
  });
  const init = (o: CallOptions | undefined) => (o?.signal ? { signal: o.signal } : {});
  const client: OpenKmsClient = {
    api,
    async health(o) {
      const answer = await api.GET('/health', init(o)).catch((err: unknown) => Promise.reject(networkError(err)));
      // degraded is a 503 whose body is the Health report: an answer, not an error
      const body = answer.error as Partial<Health> | undefined;
      if (answer.response.status === 503 && body?.status === 'degraded') return body as Health;
      return unwrap(Promise.resolve(answer));
    },
    keys: (o) => unwrap(api.GET('/keys', init(o))),
    async key(label, o) {
      const key = (await client.keys(o)).find((k) => k.label === label);
      if (!key)
        throw new OpenKmsError({ code: ClientErrorCode.unknownLabel, message: `no key labelled ${label} is visible to this token`, details: { label } });
      return key;
    },
    policies: (o) => unwrap(api.GET('/policy', init(o))),
    policy: (label, o) => unwrap(api.GET('/policy/{label}', { params: { path: { label } }, ...init(o) })),
    explain: (request, o) => unwrap(api.POST('/policy/{label}/explain', { params: { path: { label: request.label } }, body: request, ...init(o) })),
    canSign: async (request, o) => (await client.explain(request, o)).allowed,
    async awaitApproval<T>(approvalId: string, o?: CallOptions): Promise<T> {
      const deadline = Date.now() + Math.max(0, o?.approvalWaitMs ?? options.approvalWaitMs ?? 0);
      let pending: ApprovalPending | undefined;
      for (;;) {
        const left = deadline - Date.now();
        if (left <= 0 && pending) throw approvalPendingError(pending);
        const wait = Math.min(60, Math.max(0, Math.ceil(left / 1000)));
        const answer = await api
          .GET('/approvals/{id}', { params: { path: { id: approvalId }, query: { wait } }, ...init(o) })
          .catch((err: unknown) => Promise.reject(networkError(err)));
        if (answer.response.status !== 202) return (await unwrap(Promise.resolve(answer))) as T;
        pending = answer.data as ApprovalPending;
      }
    },
    signSolana: (request, o) => settled(unwrap(api.POST('/sign/solana', { body: request, ...init(o) })), o),
    signCosmos: (request, o) => settled(unwrap(api.POST('/sign/cosmos', { body: request, ...init(o) })), o),
    signEvm: (request, o) => settled(unwrap(api.POST('/sign/evm', { body: request, ...init(o) })), o),
  };
  /** A sign answer: the signature, or (202) the held request's decision within the allowed wait. */
  async function settled<T>(answer: Promise<T | ApprovalPending>, o: CallOptions | undefined): Promise<T> {
    const data = await answer;
    if (!isApprovalPending(data)) return data;
    if (Math.max(0, o?.approvalWaitMs ?? options.approvalWaitMs ?? 0) === 0) throw approvalPendingError(data);
    return client.awaitApproval<T>(data.approval_id, o);
  }
  return client;
}

function isApprovalPending(data: unknown): data is ApprovalPending {
  return (
    typeof data === 'object' &&
    data !== null &&
    (data as { status?: unknown }).status === 'pending' &&
    typeof (data as { approval_id?: unknown }).approval_id === 'string'
  );
}

function approvalPendingError(p: ApprovalPending): OpenKmsError {
  return new OpenKmsError({
    code: ClientErrorCode.approvalPending,
    message: `the signer holds this request for an operator approval (${p.approval_id}, until ${p.expires_at}); wait with awaitApproval`,
    status: 202,
    details: { approval_id: p.approval_id, expires_at: p.expires_at, reasons: p.reasons },
  });
}
