/** Calls to the signer's own API (same origin), with the bearer token as a header. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface Api {
  get<T>(path: string, etag?: string): Promise<{ status: number; etag?: string; body?: T }>;
  post<T>(path: string, body?: unknown): Promise<T>;
}

async function errorOf(res: Response): Promise<ApiError> {
  let code = 'http_' + res.status;
  let message = res.statusText || `HTTP ${res.status}`;
  try {
    const body = (await res.json()) as { code?: unknown; error?: unknown };
    if (typeof body.code === 'string') code = body.code;
    if (typeof body.error === 'string') message = body.error;
  } catch {
    // not JSON
  }
  return new ApiError(res.status, code, message);
}

export function createApi(token: string): Api {
  const headers = (extra: Record<string, string> = {}) => ({ authorization: `Bearer ${token}`, accept: 'application/json', ...extra });
  return {
    async get<T>(path: string, etag?: string) {
      // no-store: the browser's cache stays out of it; 304 comes back to us when the ETag still matches
      const res = await fetch(path, { headers: headers(etag ? { 'if-none-match': etag } : {}), cache: 'no-store', credentials: 'omit' });
      if (res.status === 304) return { status: 304, ...(etag ? { etag } : {}) };
      if (!res.ok) throw await errorOf(res);
      const tag = res.headers.get('etag') ?? undefined;
      return { status: res.status, ...(tag ? { etag: tag } : {}), body: (await res.json()) as T };
    },
    async post<T>(path: string, body?: unknown) {
      const res = await fetch(path, {
        method: 'POST',
        headers: headers(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        cache: 'no-store',
        credentials: 'omit',
      });
      if (!res.ok) throw await errorOf(res);
      return (await res.json()) as T;
    },
  };
}

/** Public: /health needs no token. */
export async function fetchHealth(): Promise<Health> {
  const res = await fetch('/health', { cache: 'no-store', credentials: 'omit' });
  return (await res.json()) as Health;
}

export interface Health {
  readonly status: 'ok' | 'degraded';
  readonly hsm_up: boolean;
  readonly audit_up: boolean;
  readonly simulated?: boolean;
  readonly backends?: readonly { name: string; kind: string; up: boolean }[];
}

export interface WhoAmI {
  readonly token_name: string;
  readonly scopes: readonly string[];
}

export interface KeyEntry {
  readonly label: string | null;
  readonly chain: string | null;
  readonly address: string | null;
  readonly enabled: boolean;
  readonly backend: string;
  readonly key_id: string | number;
  readonly configured?: boolean;
}

export interface SignCount {
  readonly limit: number | null;
  readonly used: number;
  readonly window_secs: number;
  readonly resets_at: string | null;
  readonly retry_after_secs: number;
}

export interface Spend {
  readonly asset: string;
  readonly spent: string;
  readonly cap: string | null;
  readonly remaining: string | null;
  readonly resets_at: string | null;
  readonly frees_at_reset: string | null;
}

export interface PolicyEntry {
  readonly label: string;
  readonly chain: string;
  readonly address: string | null;
  readonly effective_enabled: boolean;
  readonly policy_version: string;
  readonly policy: Record<string, unknown>;
  readonly runtime: {
    readonly global_enabled: boolean;
    readonly key_switch_enabled: boolean;
    readonly sign_counts: Record<string, SignCount>;
    readonly spend: readonly Spend[];
    /** Fleet mode, the state store did not answer: the figures are not the current usage (absent: an older signer). */
    readonly usage_unavailable?: boolean;
    /** When the figures shown were read; null: never (the zeros mean nothing). */
    readonly usage_read_at?: string | null;
    readonly usage_error?: string;
    readonly state_store?: { readonly kind: string; readonly reachable: boolean };
  };
}

export interface Approval {
  readonly approval_id: string;
  readonly status: string;
  readonly label: string;
  readonly chain: string;
  readonly token_name: string;
  readonly created_at: string;
  readonly expires_at: string;
  readonly reasons: readonly Record<string, unknown>[];
  readonly intent: Record<string, unknown>;
  readonly quorum: number;
  readonly approvals: readonly { name: string; at?: string }[] | readonly string[];
  readonly denied_by?: string;
  readonly code?: string;
  readonly message?: string;
}

export interface AuditRecord {
  readonly seq: number;
  readonly time: string;
  readonly decision: string;
  readonly label?: string;
  readonly chain?: string;
  readonly token_name?: string;
  readonly reason_code?: string;
  readonly reason?: string;
  readonly action?: string;
  readonly request_id?: string;
  readonly [field: string]: unknown;
}

export interface AuditPage {
  readonly records: readonly AuditRecord[];
  readonly next_before: number | null;
  readonly verification: { ok: boolean; records_linked: number; macs_checked: number; problem?: { seq?: number; reason: string; message: string } };
  readonly audit_up: boolean;
}

export interface Activity {
  readonly window_minutes: number;
  readonly minutes: readonly {
    minute: string;
    keys: Record<
      string,
      {
        decisions: Record<string, number>;
        reasons: Record<string, number>;
        backend_calls: number;
        backend_ms_avg: number | null;
        backend_ms_max: number | null;
      }
    >;
  }[];
}

export interface Pairing {
  readonly pairing_id: string;
  readonly status: string;
  readonly name: string;
  readonly labels: readonly string[];
  readonly scopes: readonly string[];
  readonly public_key_sha256: string;
  readonly remote: string;
  readonly created_at: string;
  readonly expires_at: string;
  readonly wrong_codes: number;
}
