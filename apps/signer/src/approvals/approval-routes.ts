import { denyReasonOf, optionalJsonBody } from '../http/optional-json-body.js';
import type { Request, RequestHandler, Response } from 'express';
import { ErrorCode, openKmsError, type OpenKmsError } from '@openkms/core';
import { canApproveAny } from '../auth/scopes.js';
import { identityOf } from '../http/bearer-auth.js';
import type { RouteSpec } from '../http/route-table.js';
import { sendError } from '../http/send-error.js';
import type { SignerServices } from '../runtime/signer-services.js';
import { approvalView, type ApprovalRecord } from './approval-record.js';
import type { ApprovalService } from './approval-service.js';

/** What create-app lends the approval routes. */
export interface ApprovalRouteHelpers {
  route(method: RouteSpec['method'], path: string, ...handlers: RequestHandler[]): void;
  auth: RequestHandler;
  body: RequestHandler;
  forbidden(req: Request, res: Response, message: string, where?: { label?: string; chain?: string }): OpenKmsError;
}

const ID = /^apv_[0-9a-f]{24}$/;
/** The longest long poll (`?wait=`), in seconds. */
export const MAX_APPROVAL_WAIT_SECS = 60;

/**
 * GET /approvals/{id} (the requesting token; `?wait=<secs>` long-polls up to 60 s), and the operators' routes:
 * GET /admin/approvals[/{id}], POST /admin/approvals/{id}/approve|deny (admin scope or an approve scope).
 */
export function mountApprovalRoutes(s: SignerServices & { approvals?: ApprovalService }, h: ApprovalRouteHelpers): void {
  const service = (): ApprovalService => {
    if (s.approvals === undefined) throw openKmsError(ErrorCode.approvalNotFound, 'approvals are not enabled on this signer', {});
    return s.approvals;
  };
  const idOf = (req: Request): string => {
    const id = String(req.params.id);
    if (!ID.test(id)) throw openKmsError(ErrorCode.approvalNotFound, `no approval ${id.slice(0, 64)}`, {});
    return id;
  };
  const requireApprover: RequestHandler = (req, res, next) => {
    if (!canApproveAny(identityOf(res).scopes)) {
      sendError(res, h.forbidden(req, res, 'this token needs admin scope or an approve scope'));
      return;
    }
    next();
  };

  h.route('GET', '/approvals/:id', h.auth, async (req, res) => {
    const id = idOf(req);
    const approvals = service();
    const name = identityOf(res).name;
    await approvals.forRequester(id, name);
    const raw = req.query.wait;
    if (raw !== undefined && (typeof raw !== 'string' || !/^\d{1,4}$/.test(raw))) {
      throw openKmsError(ErrorCode.invalidRequest, `wait must be a whole number of seconds (at most ${MAX_APPROVAL_WAIT_SECS})`, { path: 'wait' });
    }
    const wait = Math.min(Number(raw ?? 0), MAX_APPROVAL_WAIT_SECS);
    await approvals.wait(id, wait * 1000);
    await approvals.sweep();
    if (s.shuttingDown()) res.setHeader('Connection', 'close');
    answerRequester(res, await approvals.forRequester(id, name), approvals);
  });

  h.route('GET', '/admin/approvals', h.auth, requireApprover, async (_req, res) => {
    res.status(200).json((await service().list()).map(approvalView));
  });
  h.route('GET', '/admin/approvals/:id', h.auth, requireApprover, async (req, res) => {
    res.status(200).json(approvalView(await service().get(idOf(req))));
  });
  h.route('POST', '/admin/approvals/:id/approve', h.auth, requireApprover, async (req, res) => {
    const identity = identityOf(res);
    const r = await service().approve(idOf(req), { name: identity.name, scopes: identity.scopes }, String(res.locals.requestId));
    res.status(200).json(approvalView(r));
  });
  // the body ({"reason": "…"}) is optional
  const optionalBody = optionalJsonBody(h.body);

  h.route('POST', '/admin/approvals/:id/deny', h.auth, requireApprover, optionalBody, async (req, res) => {
    const identity = identityOf(res);
    const reason = denyReasonOf(req.body);
    const r = await service().deny(idOf(req), { name: identity.name, scopes: identity.scopes }, String(res.locals.requestId), reason);
    res.status(200).json(approvalView(r));
  });
}

/** Pending: 202 with the pending body; approved: 200 with the sign response itself; otherwise the final code. */
function answerRequester(res: Response, r: ApprovalRecord, approvals: ApprovalService): void {
  if (r.status === 'pending') {
    res.status(202).json(approvals.pendingBody(r));
    return;
  }
  if (r.status === 'approved' && r.result !== undefined) {
    res.status(200).json(r.result);
    return;
  }
  const code = (r.code ?? ErrorCode.approvalDenied) as ErrorCode;
  sendError(res, openKmsError(code, r.message ?? r.status, { approval_id: r.id, status: r.status }));
}
