import type { NextFunction, Request, Response } from 'express';
import { ErrorCode, openKmsError } from '@openkms/core';
import { readJsonBody } from './read-json-body.js';
import { sendError } from './send-error.js';

/**
 * JSON body parsing for REST routes that take a body (see readJsonBody for the failures), which must be a JSON
 * object. `maxBytes` is read per request, so a reload's new limit applies at once.
 */
export function jsonBody(maxBytes: () => number) {
  return function parseJson(req: Request, res: Response, next: NextFunction): void {
    readJsonBody(
      req,
      res,
      maxBytes(),
      (err) => sendError(res, err),
      () => {
        if (req.body === undefined || typeof req.body !== 'object' || req.body === null || Array.isArray(req.body)) {
          sendError(res, openKmsError(ErrorCode.invalidRequest, 'request body must be a JSON object', {}));
          return;
        }
        next();
      },
    );
  };
}
