import type { NextFunction, Request, Response } from 'express';
import { ErrorCode, type OpenKmsError } from '@openkms/core';
import { httpStatusOf } from '../http/error-status.js';
import { readJsonBody } from '../http/read-json-body.js';
import { JSON_RPC_ERROR_CODES, jsonRpcErrorOf } from './json-rpc-errors.js';

/**
 * Sends a JSON-RPC error that concerns the whole HTTP request (id null), with the REST status of its code; an
 * invalid_request here is an invalid JSON-RPC request (-32600), not invalid params.
 */
export function sendJsonRpcRequestError(res: Response, err: OpenKmsError): void {
  res.locals.errorCode = err.code;
  const error = jsonRpcErrorOf(err, String(res.locals.requestId ?? ''));
  const code = err.code === ErrorCode.invalidRequest ? JSON_RPC_ERROR_CODES.invalidRequest : error.code;
  res.status(httpStatusOf(err.code)).json({ jsonrpc: '2.0', id: null, error: { ...error, code } });
}

/**
 * The JSON-RPC body: a request object or a batch (array), at most `maxBytes` (server.max_body_bytes). Failures are
 * JSON-RPC errors with id null: 415 (not application/json), 413 (too large, -32600), 400 (not JSON, -32700).
 */
export function rpcBody(maxBytes: () => number) {
  return function parseRpcJson(req: Request, res: Response, next: NextFunction): void {
    readJsonBody(req, res, maxBytes(), (err) => sendJsonRpcRequestError(res, err), next);
  };
}
