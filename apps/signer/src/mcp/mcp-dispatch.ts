/** One HTTP request a tool call makes to the signer's API. */
export interface McpHttpRequest {
  readonly method: 'GET' | 'POST';
  /** Path and query, e.g. `/policy/solana-hot-0`. */
  readonly path: string;
  readonly body?: unknown;
}

/** The signer's answer: its status and JSON body (undefined when the body is not JSON). */
export interface McpHttpResponse {
  readonly status: number;
  readonly json: unknown;
  readonly requestId?: string;
}

/**
 * Sends a tool's request to the signer's HTTP API with the caller's credentials. Two implementations: over HTTP to a
 * running signer (`openkms mcp`, stdio), and in-process through the signer's own express app (`POST /mcp`), so every
 * tool call is exactly its HTTP twin: bearer authentication, scopes, validation, policy, replay, audit, metrics.
 */
export type McpDispatch = (request: McpHttpRequest) => Promise<McpHttpResponse>;

/** A dispatch to a running signer at `baseUrl` with `token` (never logged). */
export function httpDispatch(baseUrl: string, token: string, timeoutMs = 60_000): McpDispatch {
  return async ({ method, path, body }) => {
    const res = await fetch(new URL(path, baseUrl), {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    const requestId = res.headers.get('x-request-id');
    return { status: res.status, json, ...(requestId ? { requestId } : {}) };
  };
}
