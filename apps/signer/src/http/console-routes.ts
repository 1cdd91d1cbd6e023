import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import express, { type Request, type RequestHandler, type Response } from 'express';
import { isAuditDecision, loadAuditKey, readAuditPage, type AuditRecord } from '@openkms/audit';
import { ErrorCode, openKmsError, type OpenKmsError } from '@openkms/core';
import type { Scopes } from '../auth/scopes.js';
import type { SignerServices } from '../runtime/signer-services.js';
import { identityOf } from './bearer-auth.js';
import { CONSOLE_SECURITY_HEADERS, consoleAssetsDir } from './console-assets.js';
import type { RouteSpec } from './route-table.js';
import { sendError } from './send-error.js';

/** What create-app lends the console routes. */
export interface ConsoleRouteHelpers {
  route(method: RouteSpec['method'], path: string, ...handlers: RequestHandler[]): void;
  auth: RequestHandler;
  forbidden(req: Request, res: Response, message: string): OpenKmsError;
}

const LABEL = /^[A-Za-z0-9._-]{1,64}$/;
const CODE = /^[a-z0-9_]{1,64}$/;
/** Records per audit page: default and most. */
export const AUDIT_PAGE_DEFAULT = 50;
export const AUDIT_PAGE_MAX = 200;

/**
 * JSON with a weak ETag of its bytes; 304 when the client already has it (the console polls with If-None-Match).
 * `no-cache`: a browser may keep it but must ask again.
 */
export function sendJsonWithEtag(req: Request, res: Response, body: unknown): void {
  const text = JSON.stringify(body);
  const etag = `W/"${createHash('sha256').update(text).digest('base64url').slice(0, 27)}"`;
  res.setHeader('ETag', etag);
  res.setHeader('Cache-Control', 'private, no-cache');
  if (req.get('if-none-match') === etag) {
    res.status(304).end();
    return;
  }
  res.status(200).type('application/json').send(text);
}

const invalid = (path: string, message: string) => openKmsError(ErrorCode.invalidRequest, message, { path });

/** One query parameter as a string (repeated or absent: undefined / an error). */
function param(req: Request, name: string): string | undefined {
  const v = req.query[name];
  if (v === undefined || v === '') return undefined;
  if (typeof v !== 'string') throw invalid(name, `${name} must be given once`);
  return v;
}

function auditFilter(req: Request): { match: (r: AuditRecord) => boolean; before?: number; limit: number } {
  const label = param(req, 'label');
  if (label !== undefined && !LABEL.test(label)) throw invalid('label', 'label must be 1-64 characters of A-Z a-z 0-9 . _ -');
  const decision = param(req, 'decision');
  if (decision !== undefined && !isAuditDecision(decision))
    throw invalid('decision', 'decision must be one of allow, deny, replay, error, auth_failure, admin, shed, pending');
  const code = param(req, 'code');
  if (code !== undefined && !CODE.test(code)) throw invalid('code', 'code must be an error code (a-z 0-9 _)');
  const whole = (name: string, min: number, max: number): number | undefined => {
    const raw = param(req, name);
    if (raw === undefined) return undefined;
    if (!/^\d{1,16}$/.test(raw) || Number(raw) < min || Number(raw) > max) throw invalid(name, `${name} must be a whole number from ${min} to ${max}`);
    return Number(raw);
  };
  const before = whole('before', 1, Number.MAX_SAFE_INTEGER);
  const limit = whole('limit', 1, AUDIT_PAGE_MAX) ?? AUDIT_PAGE_DEFAULT;
  const untilRaw = param(req, 'until');
  const until = untilRaw === undefined ? undefined : Date.parse(untilRaw);
  if (until !== undefined && (Number.isNaN(until) || untilRaw!.length > 40)) throw invalid('until', 'until must be an ISO-8601 time');
  const match = (r: AuditRecord) =>
    (label === undefined || r.label === label) &&
    (decision === undefined || r.decision === decision) &&
    (code === undefined || r.reason_code === code) &&
    (until === undefined || Date.parse(r.time) <= until);
  return { match, ...(before !== undefined ? { before } : {}), limit };
}

/** A token's scopes as written in the token file (`sign`, `sign:<label>`, `read`, `admin`, `approve`, `approve:<label>`). */
export function scopeList(s: Scopes): string[] {
  const out: string[] = [];
  if (s.admin) out.push('admin');
  if (s.read) out.push('read');
  if (s.signAll) out.push('sign');
  for (const l of [...s.signLabels].sort()) out.push(`sign:${l}`);
  if (s.approveAll) out.push('approve');
  for (const l of [...(s.approveLabels ?? [])].sort()) out.push(`approve:${l}`);
  return out;
}

/**
 * The operator console: the built web UI at /ui (public files, no data), and the two read routes it needs beyond
 * the API: GET /admin/audit (a page of the audit log) and GET /admin/activity (sign activity per minute). Both need
 * read or admin scope: they show every key's records.
 */
export function mountConsoleRoutes(app: express.Express, s: SignerServices, h: ConsoleRouteHelpers): void {
  const requireReadAll: RequestHandler = (req, res, next) => {
    const scopes = identityOf(res).scopes;
    if (!scopes.read && !scopes.admin) {
      sendError(res, h.forbidden(req, res, 'this token needs read or admin scope'));
      return;
    }
    next();
  };

  // who this token is: its name and scopes (the console shows actions only to tokens that may take them)
  h.route('GET', '/whoami', h.auth, (_req, res) => {
    const { name, scopes } = identityOf(res);
    res.status(200).json({ token_name: name, scopes: scopeList(scopes) });
  });

  let auditKey: { file: string; key: Promise<Uint8Array> } | undefined;
  const keyOf = (file: string): Promise<Uint8Array> => {
    if (auditKey?.file !== file) auditKey = { file, key: loadAuditKey(file) };
    const loading = auditKey.key;
    loading.catch(() => {
      if (auditKey?.key === loading) auditKey = undefined;
    });
    return loading;
  };

  h.route('GET', '/admin/audit', h.auth, requireReadAll, async (req, res) => {
    const { match, before, limit } = auditFilter(req);
    const { dir, keyFile } = s.config().audit;
    const key = await keyOf(keyFile).catch(() => undefined);
    let page;
    try {
      page = await readAuditPage(dir, { match, limit, ...(before !== undefined ? { before } : {}), ...(key ? { key } : {}) });
    } catch (err) {
      s.logger.error({ request_id: res.locals.requestId, err: err instanceof Error ? err.message : String(err) }, 'audit log unreadable');
      throw openKmsError(ErrorCode.internal, 'the audit log could not be read', {});
    }
    sendJsonWithEtag(req, res, {
      records: page.records,
      next_before: page.nextBefore ?? null,
      verification: {
        ok: page.problem === undefined && key !== undefined,
        records_linked: page.linked,
        macs_checked: page.macsChecked,
        ...(key === undefined ? { problem: { reason: 'no_key', message: 'the audit key could not be read: MACs were not checked' } } : {}),
        ...(page.problem ? { problem: page.problem } : {}),
      },
      audit_up: s.auditUp(),
    });
  });

  h.route('GET', '/admin/activity', h.auth, requireReadAll, (req, res) => {
    const minutes = s.metrics.activity.snapshot().map((m) => ({
      minute: m.minute,
      keys: Object.fromEntries(
        Object.entries(m.keys).map(([label, k]) => [
          label,
          {
            decisions: k.decisions,
            reasons: k.reasons,
            backend_calls: k.backendCalls,
            backend_ms_avg: k.backendCalls === 0 ? null : Math.round((k.backendMsSum / k.backendCalls) * 100) / 100,
            backend_ms_max: k.backendCalls === 0 ? null : Math.round(k.backendMsMax * 100) / 100,
          },
        ]),
      ),
    }));
    sendJsonWithEtag(req, res, { window_minutes: minutes.length, minutes });
  });

  // the web UI: index.html at /ui, its hashed files under /ui/assets (public: code, no data)
  const securityHeaders = (res: Response) => {
    for (const [name, value] of Object.entries(CONSOLE_SECURITY_HEADERS)) res.setHeader(name, value);
  };
  h.route('GET', '/ui', (_req, res) => {
    securityHeaders(res);
    const dir = consoleAssetsDir();
    if (dir === undefined) {
      sendError(
        res,
        openKmsError(ErrorCode.notFound, 'the operator console is not built: run `pnpm build` (or `pnpm --filter @openkms/console build`) and reload', {}),
      );
      return;
    }
    res.setHeader('Cache-Control', 'no-cache');
    res
      .status(200)
      .type('html')
      .send(readFileSync(`${dir}/index.html`));
  });
  let assets: { dir: string; serve: RequestHandler } | undefined;
  app.use('/ui/assets', (req, res, next) => {
    const dir = consoleAssetsDir();
    if (dir === undefined || (req.method !== 'GET' && req.method !== 'HEAD')) {
      next();
      return;
    }
    if (assets?.dir !== dir) {
      assets = {
        dir,
        serve: express.static(`${dir}/assets`, { index: false, immutable: true, maxAge: '365d', fallthrough: true, dotfiles: 'deny', redirect: false }),
      };
    }
    securityHeaders(res);
    assets.serve(req, res, next);
  });
}
