import express, { type NextFunction, type Request, type Response } from 'express';
import { ErrorCode, openKmsError } from '@openkms/core';
import { sendError } from './send-error.js';

/**
 * JSON body parsing for routes that take a body: 415 unless the content type is application/json, 413 past the
 * size limit, 400 malformed_json for bad JSON — always as the JSON error body.
 */
export function jsonBody(maxBytes: number) {
  const parser = express.json({ limit: maxBytes, strict: true, type: () => true });
  return function parseJson(req: Request, res: Response, next: NextFunction): void {
    const type = req.get('content-type') ?? '';
    const mediaType = type.split(';')[0]!.trim().toLowerCase();
    if (mediaType !== 'application/json') {
      sendError(
        res,
        openKmsError(ErrorCode.unsupportedMediaType, `content type must be application/json (got ${mediaType ? JSON.stringify(mediaType) : 'none'})`, {}),
      );
      return;
    }
    const declared = Number(req.get('content-length'));
    if (Number.isFinite(declared) && declared > maxBytes) {
      sendError(res, openKmsError(ErrorCode.payloadTooLarge, `request body exceeds ${maxBytes} bytes`, { limit: maxBytes }));
      req.resume();
      return;
    }
    parser(req, res, (err?: unknown) => {
      if (err) {
        sendError(res, bodyError(err, maxBytes));
        return;
      }
      if (req.body === undefined || typeof req.body !== 'object' || req.body === null || Array.isArray(req.body)) {
        sendError(res, openKmsError(ErrorCode.invalidRequest, 'request body must be a JSON object', {}));
        return;
      }
      next();
    });
  };
}

function bodyError(err: unknown, maxBytes: number) {
  const type = (err as { type?: string }).type;
  switch (type) {
    case 'entity.too.large':
      return openKmsError(ErrorCode.payloadTooLarge, `request body exceeds ${maxBytes} bytes`, { limit: maxBytes });
    case 'entity.parse.failed':
      return openKmsError(ErrorCode.malformedJson, 'request body is not valid JSON', {});
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return openKmsError(ErrorCode.unsupportedMediaType, 'unsupported body encoding or charset (use UTF-8 JSON)', {});
    default:
      return openKmsError(ErrorCode.invalidRequest, 'the request body could not be read', {});
  }
}
