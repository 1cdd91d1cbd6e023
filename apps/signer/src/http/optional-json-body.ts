import type { Request, RequestHandler } from 'express';
import { ErrorCode, openKmsError } from '@openkms/core';

/** No body at all (no length, or 0, and not chunked): routes whose body is optional take `empty` instead. */
export function hasNoBody(req: Request): boolean {
  const length = req.get('content-length');
  return (length === undefined || length === '0') && req.get('transfer-encoding') === undefined;
}

/** A JSON body that may be left out (e.g. a deny's `{"reason": "…"}`): absent → `{}`, else `body` parses it. */
export function optionalJsonBody(body: RequestHandler): RequestHandler {
  return (req, res, next) => {
    if (hasNoBody(req)) {
      req.body = {};
      next();
      return;
    }
    body(req, res, next);
  };
}

/** The optional operator reason of a deny: a string of at most 500 characters, else 400 invalid_request. */
export function denyReasonOf(body: unknown): string | undefined {
  const reason = (body as { reason?: unknown } | undefined)?.reason;
  if (reason !== undefined && (typeof reason !== 'string' || reason.length > 500)) {
    throw openKmsError(ErrorCode.invalidRequest, 'reason must be a string of at most 500 characters', { path: 'reason' });
  }
  return reason;
}
