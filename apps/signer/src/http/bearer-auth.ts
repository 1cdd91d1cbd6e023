import type { NextFunction, Request, Response } from 'express';
import passport from 'passport';
import { Strategy as BearerStrategy } from 'passport-http-bearer';
import { ErrorCode, openKmsError } from '@openkms/core';
import type { CertificateIdentity } from '../auth/client-certificate-auth.js';
import type { TokenIdentity, TokenStore } from '../auth/token-store.js';
import { sendError } from './send-error.js';

export interface AuthFailureReporter {
  (req: Request, res: Response, reason: string): void;
}

/**
 * Bearer authentication through passport-http-bearer against the hashed token store. Failures are JSON 401s with a
 * code (never passport's plain-text page) and are reported for rate-limited auditing.
 *
 * With mutual TLS, a request without an Authorization header is authenticated by its client certificate when
 * `[[server.tls.client_identities]]` maps it (`certificate`). A request that carries an Authorization header is
 * judged by its token alone: a bad token is a 401 even over a mapped certificate (no silent fallback).
 */
export function createBearerAuth(store: () => TokenStore, onFailure: AuthFailureReporter, certificate?: (req: Request) => CertificateIdentity) {
  const authenticator = new passport.Passport();
  authenticator.use(
    'bearer',
    new BearerStrategy((token: string, done: (err: unknown, user?: TokenIdentity | false) => void) => {
      done(null, store().verify(token) ?? false);
    }),
  );
  return function bearerAuth(req: Request, res: Response, next: NextFunction): void {
    // Node keeps only the first of several Authorization headers (req.headers would hide the others): count the raw
    // ones, so a request carrying two credentials is refused instead of being authenticated by whichever comes first
    if (authorizationHeaderCount(req.rawHeaders) > 1) {
      onFailure(req, res, 'duplicate_header');
      sendError(res, openKmsError(ErrorCode.invalidRequest, 'more than one Authorization header; send exactly one', { header: 'authorization' }));
      return;
    }
    const header = req.get('authorization');
    if (!header) {
      const cert = certificate?.(req) ?? { kind: 'none' };
      if (cert.kind === 'mapped') {
        res.locals.identity = cert.identity;
        next();
        return;
      }
      if (cert.kind === 'unmapped') {
        onFailure(req, res, 'unmapped_certificate');
        sendError(
          res,
          openKmsError(ErrorCode.unauthorized, 'the client certificate is not mapped to an identity (server.tls.client_identities); send a bearer token', {
            fingerprint_sha256: cert.fingerprint,
          }),
        );
        return;
      }
      onFailure(req, res, 'missing');
      sendError(res, openKmsError(ErrorCode.unauthorized, 'missing Authorization: Bearer <token> header', {}));
      return;
    }
    if (!/^Bearer [A-Za-z0-9._~+/-]+=*$/i.test(header)) {
      onFailure(req, res, 'malformed');
      sendError(res, openKmsError(ErrorCode.unauthorized, 'malformed Authorization header (want: Bearer <token>)', {}));
      return;
    }
    authenticator.authenticate('bearer', { session: false }, (err: unknown, user: TokenIdentity | false) => {
      if (err || !user) {
        onFailure(req, res, 'unknown_token');
        sendError(res, openKmsError(ErrorCode.unauthorized, 'invalid bearer token', {}));
        return;
      }
      res.locals.identity = user;
      next();
    })(req, res, next);
  };
}

/** How many `Authorization` headers the request carried, before Node's folding/discarding of duplicates. */
export function authorizationHeaderCount(rawHeaders: readonly string[]): number {
  let n = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) if (rawHeaders[i]!.toLowerCase() === 'authorization') n++;
  return n;
}

export function identityOf(res: Response): TokenIdentity {
  return res.locals.identity as TokenIdentity;
}
