import { ErrorCode, isOpenKmsError } from '@openkms/core';
import { errorBody } from '../http/send-error.js';
import type { UpstreamJsonRpcError } from './json-rpc-upstream.js';

/**
 * JSON-RPC error codes of POST /rpc/<chain>/<network>. `data` carries the REST API's reason `code`, `details` and
 * the `request_id` (the audit records' id), except for errors of the upstream node, which are passed on as it sent them.
 */
export const JSON_RPC_ERROR_CODES = {
  /** The body is not JSON (`malformed_json`). */
  parseError: -32700,
  /** Not a JSON-RPC 2.0 request, an empty or too large batch, a body over the size limit or not JSON content. */
  invalidRequest: -32600,
  /** A method the endpoint neither answers nor passes through, or refuses (`rpc_method_not_allowed`). */
  methodNotFound: -32601,
  /** Invalid params: every code the REST API answers with 400/404/409/413 (invalid_request, chain_id_mismatch, …). */
  invalidParams: -32602,
  /** A server fault (HTTP 500). */
  internal: -32603,
  /** Unavailable: the upstream node (`rpc_unavailable`), the key backend, the audit log, overload (REST 502/503). */
  resourceUnavailable: -32002,
  /** Refused by policy or scope: every code the REST API answers with 403 (recipient_not_allowed, forbidden_scope, …). */
  rejected: -32003,
  /** A rate limit or window cap: every code the REST API answers with 429. */
  limitExceeded: -32005,
} as const;

export interface JsonRpcErrorObject {
  readonly code: number;
  readonly message: string;
  readonly data?: unknown;
}

/** The JSON-RPC error object of any thrown value (see JSON_RPC_ERROR_CODES). */
export function jsonRpcErrorOf(err: unknown, requestId: string): JsonRpcErrorObject {
  if (isOpenKmsError(err) && err.code === ErrorCode.upstreamRejected) {
    const node = err.cause as UpstreamJsonRpcError | undefined;
    if (node && typeof node.code === 'number') return { code: node.code, message: node.message, ...(node.data === undefined ? {} : { data: node.data }) };
  }
  const { status, body } = errorBody(err, requestId);
  const code = !isOpenKmsError(err)
    ? JSON_RPC_ERROR_CODES.internal
    : err.code === ErrorCode.rpcMethodNotAllowed
      ? JSON_RPC_ERROR_CODES.methodNotFound
      : err.code === ErrorCode.malformedJson
        ? JSON_RPC_ERROR_CODES.parseError
        : err.code === ErrorCode.payloadTooLarge || err.code === ErrorCode.unsupportedMediaType
          ? JSON_RPC_ERROR_CODES.invalidRequest
          : status === 403
            ? JSON_RPC_ERROR_CODES.rejected
            : status === 429
              ? JSON_RPC_ERROR_CODES.limitExceeded
              : status === 502 || status === 503
                ? JSON_RPC_ERROR_CODES.resourceUnavailable
                : status >= 400 && status < 500
                  ? JSON_RPC_ERROR_CODES.invalidParams
                  : JSON_RPC_ERROR_CODES.internal;
  return {
    code,
    message: body.error,
    data: { code: body.code, request_id: body.request_id, ...(body.details === undefined ? {} : { details: body.details }) },
  };
}
