import express, { type Request, type RequestHandler, type Response } from 'express';
import { ErrorCode, openKmsError, type OpenKmsError } from '@openkms/core';

const parsers = new Map<number, RequestHandler>();

/** One body parser per size limit (the limit can change on reload; a handful of values at most). */
function parserFor(maxBytes: number): RequestHandler {
  let parser = parsers.get(maxBytes);
  if (parser === undefined) {
    parser = express.json({ limit: maxBytes, strict: true, type: () => true });
    if (parsers.size > 16) parsers.clear();
    parsers.set(maxBytes, parser);
  }
  return parser;
}

/**
 * Reads a JSON request body into req.body, the same way for every route that takes one (REST, JSON-RPC, gateway):
 * 415 unsupported_media_type unless the content type is application/json, 413 payload_too_large past `maxBytes`
 * (refused from the declared length before reading), 400 malformed_json for bad JSON, 400 invalid_request for a body
 * that cannot be read. Failures go to `fail` (each route answers in its own envelope); success calls `done`.
 */
export function readJsonBody(req: Request, res: Response, maxBytes: number, fail: (err: OpenKmsError) => void, done: () => void): void {
  const mediaType = (req.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (mediaType !== 'application/json') {
    fail(openKmsError(ErrorCode.unsupportedMediaType, `content type must be application/json (got ${mediaType ? JSON.stringify(mediaType) : 'none'})`, {}));
    return;
  }
  const declared = Number(req.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    fail(tooLarge(maxBytes));
    req.resume();
    return;
  }
  parserFor(maxBytes)(req, res, (err?: unknown) => {
    if (err) fail(bodyReadError(err, maxBytes));
    else done();
  });
}

function tooLarge(maxBytes: number): OpenKmsError {
  return openKmsError(ErrorCode.payloadTooLarge, `request body exceeds ${maxBytes} bytes`, { limit: maxBytes });
}

/** Maps body-parser's error types to our codes. */
function bodyReadError(err: unknown, maxBytes: number): OpenKmsError {
  switch ((err as { type?: string }).type) {
    case 'entity.too.large':
      return tooLarge(maxBytes);
    case 'entity.parse.failed':
      return openKmsError(ErrorCode.malformedJson, 'request body is not valid JSON', {});
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return openKmsError(ErrorCode.unsupportedMediaType, 'unsupported body encoding or charset (use UTF-8 JSON)', {});
    default:
      return openKmsError(ErrorCode.invalidRequest, 'the request body could not be read', {});
  }
}
