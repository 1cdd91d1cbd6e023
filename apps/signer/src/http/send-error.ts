import type { Response } from 'express';
import { ErrorCode, isOpenKmsError, type ErrorContext } from '@openkms/core';
import { httpStatusOf } from './error-status.js';
import { withOriginalPhrase } from './original-error-phrases.js';

export interface ErrorBody {
  error: string;
  code: string;
  request_id: string;
  details?: ErrorContext;
}

/**
 * What a client is told for server-side faults: the code and a fixed sentence. The detailed message (device names,
 * connector URLs, file paths, errno) goes to the signer's log with the request id, never to the client.
 */
const SERVER_FAULT_MESSAGES: Partial<Record<ErrorCode, string>> = {
  [ErrorCode.backendUnavailable]: 'the key backend is unavailable; no signature was produced',
  [ErrorCode.backendError]: 'the key backend failed; no signature was produced',
  [ErrorCode.backendTimeout]: 'the key backend did not answer in time; no signature was produced',
  [ErrorCode.keyNotFound]: 'the key is not available in the key backend; no signature was produced',
  [ErrorCode.signatureVerificationFailed]: 'the key backend returned a signature that does not verify; it was discarded',
  [ErrorCode.auditWriteFailed]: 'the audit record could not be made durable; no signature was returned',
  [ErrorCode.stateWriteFailed]: 'the runtime state could not be saved; a disable still applies until restart',
};

/**
 * Turns any thrown value into the one JSON error body. 4xx and load-related 503 bodies carry the precise message and
 * structured details; server faults (backend, audit, state) carry no internals. Unknown errors become a generic 500.
 */
export function errorBody(err: unknown, requestId: string): { status: number; body: ErrorBody; retryAfter?: number; internal?: string } {
  if (isOpenKmsError(err)) {
    // retry_after_secs sets Retry-After and stays in details (a denial's details are the failing rule's facts)
    const details = err.context as Record<string, unknown>;
    const retryAfter = details.retry_after_secs;
    const status = httpStatusOf(err.code);
    const retry = typeof retryAfter === 'number' ? { retryAfter } : {};
    const publicMessage = SERVER_FAULT_MESSAGES[err.code];
    if (publicMessage !== undefined || (status >= 500 && err.code === ErrorCode.internal)) {
      return { status, body: { error: publicMessage ?? 'internal error', code: err.code, request_id: requestId }, ...retry, internal: err.message };
    }
    const body: ErrorBody = { error: withOriginalPhrase(err.code, err.message, err.context), code: err.code, request_id: requestId };
    if (Object.keys(details).length > 0) body.details = details as ErrorContext;
    return { status, body, ...retry };
  }
  return { status: 500, body: { error: 'internal error', code: ErrorCode.internal, request_id: requestId } };
}

export function sendError(res: Response, err: unknown): void {
  const requestId = String(res.locals.requestId ?? '');
  const { status, body, retryAfter, internal } = errorBody(err, requestId);
  if (internal !== undefined && internal !== body.error) res.locals.errorDetail = internal;
  if (retryAfter !== undefined) res.setHeader('Retry-After', String(Math.max(1, Math.ceil(retryAfter))));
  else if (status === 503) res.setHeader('Retry-After', '1');
  res.locals.errorCode = body.code;
  res.status(status).json(body);
}
