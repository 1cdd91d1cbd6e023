import { ErrorCode, openKmsError } from '@openkms/core';

/** Network errors that mean the request never left this process (nothing reached the node). */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'ERR_INVALID_URL']);

/** The node's own JSON-RPC error, kept as the `cause` of an upstream_rejected error so it can be passed on unchanged. */
export interface UpstreamJsonRpcError {
  readonly code: number;
  readonly message: string;
  readonly data?: unknown;
}

export interface JsonRpcUpstreamOptions {
  /** The node's URL (may hold an API key: it never appears in errors or logs). */
  readonly url: string;
  /** One call is given up after this long: `rpc_unavailable`, never a hung request. */
  readonly timeoutMs: number;
  /** Network name, for error context. */
  readonly network: string;
  /** Largest answer read from the node (default 16 MiB). */
  readonly maxResponseBytes?: number;
}

/**
 * A JSON-RPC 2.0 client of an operator-configured node (the JSON-RPC endpoint's upstream; the REST gateway reuses it).
 * Errors, all OpenKmsError:
 * - `rpc_unavailable`: the node could not be reached, did not answer within `timeoutMs`, answered a non-2xx HTTP
 *   status or something that is not a JSON-RPC answer. `context.delivery` is `not_sent` when the request certainly
 *   never reached the node (connection refused, unknown host), `unknown` otherwise;
 * - `upstream_rejected`: the node answered with a JSON-RPC error; `context` has `upstream_code` and `upstream_message`,
 *   and `cause` the node's error object as sent ({@link UpstreamJsonRpcError}).
 */
export class JsonRpcUpstream {
  #nextId = 1;

  constructor(readonly options: JsonRpcUpstreamOptions) {}

  async call(method: string, params: readonly unknown[] | Readonly<Record<string, unknown>>): Promise<unknown> {
    const { network, timeoutMs } = this.options;
    const id = this.#nextId++;
    let res: Response;
    try {
      res = await fetch(this.options.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id, method, params }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      const name = (err as { name?: string }).name;
      const code = (err as { cause?: { code?: string } }).cause?.code ?? (err as { code?: string }).code;
      if (name === 'TimeoutError' || name === 'AbortError') {
        throw openKmsError(ErrorCode.rpcUnavailable, `the upstream node of network ${network} did not answer within ${timeoutMs} ms`, {
          network,
          method,
          delivery: 'unknown',
          timeout_ms: timeoutMs,
        });
      }
      const notSent = code !== undefined && NOT_SENT.has(code);
      throw openKmsError(ErrorCode.rpcUnavailable, `the upstream node of network ${network} is unreachable${code ? ` (${code})` : ''}`, {
        network,
        method,
        delivery: notSent ? 'not_sent' : 'unknown',
        ...(code ? { errno: code } : {}),
      });
    }
    let text: string;
    try {
      text = await res.text();
    } catch {
      throw openKmsError(ErrorCode.rpcUnavailable, `the upstream node of network ${network} did not finish its answer`, {
        network,
        method,
        delivery: 'unknown',
      });
    }
    const max = this.options.maxResponseBytes ?? 16 * 1024 * 1024;
    if (text.length > max)
      throw openKmsError(ErrorCode.rpcUnavailable, `the upstream node's answer exceeds ${max} bytes`, { network, method, delivery: 'unknown' });
    let body: { result?: unknown; error?: { code?: unknown; message?: unknown; data?: unknown } } | undefined;
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      body = undefined;
    }
    if (!res.ok && (body === undefined || body?.error === undefined)) {
      throw openKmsError(ErrorCode.rpcUnavailable, `the upstream node of network ${network} answered HTTP ${res.status}`, {
        network,
        method,
        delivery: 'unknown',
        http_status: res.status,
      });
    }
    if (body === undefined || typeof body !== 'object' || body === null || Array.isArray(body) || (!('result' in body) && !('error' in body))) {
      throw openKmsError(ErrorCode.rpcUnavailable, `the upstream node of network ${network} did not answer JSON-RPC`, { network, method, delivery: 'unknown' });
    }
    if (body.error !== undefined && body.error !== null) {
      const e = body.error;
      const node: UpstreamJsonRpcError = {
        code: typeof e.code === 'number' && Number.isInteger(e.code) ? e.code : -32000,
        message: typeof e.message === 'string' ? e.message.slice(0, 2000) : 'upstream error',
        ...(e.data === undefined ? {} : { data: e.data }),
      };
      throw openKmsError(
        ErrorCode.upstreamRejected,
        `the upstream node of network ${network} refused ${method}: ${node.message}`,
        { network, method, upstream_code: node.code, upstream_message: node.message },
        node,
      );
    }
    return body.result;
  }
}
