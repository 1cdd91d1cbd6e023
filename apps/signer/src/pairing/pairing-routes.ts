import { denyReasonOf, optionalJsonBody } from '../http/optional-json-body.js';
import type { Request, RequestHandler, Response } from 'express';
import { ErrorCode, openKmsError, type OpenKmsError } from '@openkms/core';
import { identityOf } from '../http/bearer-auth.js';
import type { RouteSpec } from '../http/route-table.js';
import { sendError } from '../http/send-error.js';
import type { SignerServices } from '../runtime/signer-services.js';
import { pairingView } from './pairing-record.js';
import type { PairingApproveBody, PairingRequestBody, PairingService } from './pairing-service.js';

/** What create-app lends the pairing routes. */
export interface PairingRouteHelpers {
  route(method: RouteSpec['method'], path: string, ...handlers: RequestHandler[]): void;
  auth: RequestHandler;
  body: RequestHandler;
  forbidden(req: Request, res: Response, message: string, where?: { label?: string; chain?: string }): OpenKmsError;
}

const ID = /^pair_[0-9a-f]{32}$/;

/**
 * Agent pairing. Public (no token): POST /pairing (rate limited), GET /pairing/{id} (the id is the agent's secret).
 * Admin scope: GET /admin/pairing[/{id}], POST /admin/pairing/{id}/approve|deny.
 */
export function mountPairingRoutes(s: SignerServices & { pairing?: PairingService }, h: PairingRouteHelpers): void {
  const service = (): PairingService => {
    if (s.pairing === undefined || !s.pairing.enabled)
      throw openKmsError(ErrorCode.pairingNotFound, 'pairing is disabled on this signer ([pairing] enabled = false)', {});
    return s.pairing;
  };
  const idOf = (req: Request): string => {
    const id = String(req.params.id);
    if (!ID.test(id)) throw openKmsError(ErrorCode.pairingNotFound, `no pairing ${id.slice(0, 64)}`, {});
    return id;
  };
  const requireAdmin: RequestHandler = (req, res, next) => {
    if (!identityOf(res).scopes.admin) {
      sendError(res, h.forbidden(req, res, 'this token needs admin scope'));
      return;
    }
    next();
  };
  const rid = (res: Response) => String(res.locals.requestId);

  // the limits count every request before its body is read (a flood of bad bodies is limited too)
  const admit: RequestHandler = (req, res, next) => {
    try {
      service().admit(req.socket.remoteAddress ?? 'unknown');
    } catch (err) {
      sendError(res, err);
      return;
    }
    next();
  };
  h.route('POST', '/pairing', admit, h.body, async (req, res) => {
    const pairing = service();
    s.validators.check('PairingRequest', req.body);
    res.status(200).json(await pairing.request(req.body as PairingRequestBody, req.socket.remoteAddress ?? 'unknown', rid(res)));
  });
  h.route('GET', '/pairing/:id', async (req, res) => {
    const id = idOf(req);
    const { status, body } = await service().fetch(id, rid(res));
    res.setHeader('Cache-Control', 'no-store');
    res.status(status).json(body);
  });

  h.route('GET', '/admin/pairing', h.auth, requireAdmin, async (_req, res) => {
    const pairing = service();
    await pairing.sweep();
    res.status(200).json((await pairing.list()).map(pairingView));
  });
  h.route('GET', '/admin/pairing/:id', h.auth, requireAdmin, async (req, res) => {
    res.status(200).json(pairingView(await service().get(idOf(req))));
  });
  h.route('POST', '/admin/pairing/:id/approve', h.auth, requireAdmin, h.body, async (req, res) => {
    const pairing = service();
    const id = idOf(req);
    s.validators.check('PairingApproval', req.body);
    const r = await pairing.approve(id, { name: identityOf(res).name }, req.body as PairingApproveBody, rid(res));
    res.status(200).json(pairingView(r));
  });
  // the body ({"reason": "…"}) is optional
  const optionalBody = optionalJsonBody(h.body);

  h.route('POST', '/admin/pairing/:id/deny', h.auth, requireAdmin, optionalBody, async (req, res) => {
    const reason = denyReasonOf(req.body);
    const r = await service().deny(idOf(req), { name: identityOf(res).name }, rid(res), reason);
    res.status(200).json(pairingView(r));
  });
}
