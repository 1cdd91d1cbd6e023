import type { Response } from 'express';
import { ErrorCode, isOpenKmsError, type ErrorContext } from '@openkms/core';
import { httpStatusOf } from './error-status.js';

export interface ErrorBody {
  error: string;
  code: string;
  request_id: string;
  details?: ErrorContext;
}

/** Turns any thrown value into the one JSON error body. Unknown errors become a generic 500 without internals. */
export function errorBody(err: unknown, requestId: string): { status: number; body: ErrorBody; retryAfter?: number } {
  if (isOpenKmsError(err)) {
    const { retry_after_secs: retryAfter, ...details } = err.context as Record<string, unknown>;
    const body: ErrorBody = { error: err.message, code: err.code, request_id: requestId };
    if (Object.keys(details).length > 0) body.details = details as ErrorContext;
    return { status: httpStatusOf(err.code), body, ...(typeof retryAfter === 'number' ? { retryAfter } : {}) };
  }
  return { status: 500, body: { error: 'internal error', code: ErrorCode.internal, request_id: requestId } };
}

export function sendError(res: Response, err: unknown): void {
  const requestId = String(res.locals.requestId ?? '');
  const { status, body, retryAfter } = errorBody(err, requestId);
  if (retryAfter !== undefined) res.setHeader('Retry-After', String(Math.max(1, Math.ceil(retryAfter))));
  else if (status === 503) res.setHeader('Retry-After', '1');
  res.locals.errorCode = body.code;
  res.status(status).json(body);
}
