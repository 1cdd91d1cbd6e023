import express, { type NextFunction, type Request, type Response } from 'express';
import { ErrorCode, isOpenKmsError, openKmsError, summarizeIntent, toBase64 } from '@openkms/core';
import { certificateIdentity } from '../auth/client-certificate-auth.js';
import { canRead, canSign } from '../auth/scopes.js';
import type { SignerServices } from '../runtime/signer-services.js';
import { createBearerAuth, identityOf } from './bearer-auth.js';
import { jsonBody } from './json-body.js';
import { keyOriginFields } from './key-origin-fields.js';
import { adminPolicySnapshot, objectIdOf, withOriginalPolicyFields } from './original-wire.js';
import { requestId } from './request-id.js';
import { allowedMethods, type RouteSpec } from './route-table.js';
import { httpStatusOf } from './error-status.js';
import { denialDetails, registeredCallDetails } from '../pipeline/denial-details.js';
import { sendError } from './send-error.js';
import { setStateStoreHeader } from './state-store-header.js';
import { rpcBody } from '../rpc/rpc-body.js';
import { createRpcHandler } from '../rpc/rpc-handler.js';
import { mountGatewayRoutes } from './gateway-routes.js';
import { lazyMcpRoute } from '../mcp/lazy-mcp-route.js';
import { isHeldResponse } from '../approvals/approval-service.js';
import { mountApprovalRoutes } from '../approvals/approval-routes.js';
import { mountPairingRoutes } from '../pairing/pairing-routes.js';
import { mountConsoleRoutes } from './console-routes.js';

const LABEL = /^[A-Za-z0-9._-]{1,64}$/;

/** The signer's HTTP API. HTTP knowledge stays here; everything else comes in through SignerServices. */
export function createApp(s: SignerServices): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');
  const routes: RouteSpec[] = [];
  const maxBody = () => s.config().server.maxBodyBytes;
  const body = jsonBody(maxBody);
  const auth = createBearerAuth(
    s.tokens,
    (req, res, reason) => s.auditAuthFailure({ requestId: String(res.locals.requestId), reason, route: req.path, remote: req.socket.remoteAddress ?? '' }),
    (req) => certificateIdentity(req.socket, s.config().server.tls),
  );

  app.use(requestId);
  app.use((_req, res, next) => {
    s.activity.active++;
    let counted = true;
    const done = () => {
      if (counted) {
        counted = false;
        s.activity.active--;
      }
    };
    res.on('finish', done);
    res.on('close', done);
    next();
  });
  app.use((req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const route = (res.locals.route as string | undefined) ?? 'unmatched';
      s.metrics.httpRequests.inc({ method: req.method, route, status: String(res.statusCode) });
      s.logger[res.statusCode >= 500 ? 'error' : 'info'](
        {
          request_id: res.locals.requestId,
          method: req.method,
          route,
          status: res.statusCode,
          code: res.locals.errorCode,
          ...(res.locals.errorDetail ? { detail: res.locals.errorDetail } : {}),
          token_name: (res.locals.identity as { name?: string } | undefined)?.name,
          ms: Number(process.hrtime.bigint() - started) / 1e6,
        },
        'request',
      );
    });
    next();
  });
  app.use((_req, res, next) => {
    if (s.shuttingDown()) {
      res.setHeader('Connection', 'close');
      sendError(res, openKmsError(ErrorCode.shuttingDown, 'the signer is shutting down', {}));
      return;
    }
    next();
  });

  const route = (method: RouteSpec['method'], path: string, ...handlers: express.RequestHandler[]) => {
    routes.push({ method, path });
    const tag: express.RequestHandler = (_req, res, next) => {
      res.locals.route = path;
      next();
    };
    app[method.toLowerCase() as 'get' | 'post' | 'patch' | 'delete'](path, tag, ...handlers);
  };
  /** A request refused for want of scope: audited as a deny (token name, never the token), then 403 forbidden_scope. */
  const forbidden = (req: Request, res: Response, message: string, where: { label?: string; chain?: string } = {}) => {
    s.auditRefusal({
      decision: 'deny',
      code: ErrorCode.forbiddenScope,
      reason: message,
      requestId: String(res.locals.requestId),
      route: req.path,
      tokenName: identityOf(res).name,
      ...where,
    });
    return openKmsError(ErrorCode.forbiddenScope, message, where.label ? { label: where.label } : {});
  };
  const requireRead =
    (label?: (req: Request) => string | undefined): express.RequestHandler =>
    (req, res, next) => {
      if (!canRead(identityOf(res).scopes, label?.(req))) {
        sendError(res, forbidden(req, res, 'this token needs read scope (or sign scope for this label)'));
        return;
      }
      next();
    };
  const requireAdmin: express.RequestHandler = (req, res, next) => {
    if (!identityOf(res).scopes.admin) {
      sendError(res, forbidden(req, res, 'this token needs admin scope'));
      return;
    }
    next();
  };
  const knownLabel: express.RequestHandler = (req, res, next) => {
    const label = String(req.params.label);
    if (!LABEL.test(label) || !s.keys().get(label)) {
      sendError(res, openKmsError(ErrorCode.unknownLabel, `unknown label ${label}`, { label }));
      return;
    }
    next();
  };
  const limited: express.RequestHandler = (req, res, next) => {
    let release: () => void;
    try {
      release = s.requestLimiter.acquire();
    } catch (err) {
      s.metrics.shed.inc({ limit: 'overall' });
      const tokenName = (res.locals.identity as { name?: string } | undefined)?.name;
      s.auditRefusal({
        decision: 'shed',
        code: ErrorCode.overloaded,
        reason: 'in-flight limit (overall)',
        requestId: String(res.locals.requestId),
        route: req.path,
        ...(tokenName ? { tokenName } : {}),
        details: { limit: 'overall' },
      });
      sendError(res, err);
      return;
    }
    s.metrics.inFlight.inc();
    let done = false;
    const finish = () => {
      if (!done) {
        done = true;
        s.metrics.inFlight.dec();
        release();
      }
    };
    res.on('finish', finish);
    res.on('close', finish);
    next();
  };

  // public
  route('GET', '/health', async (_req, res) => {
    const backends = await s.backend.statuses();
    const up = backends.every((b) => b.up);
    const simulated = backends.some((b) => b.simulated);
    const auditUp = s.auditUp();
    const ok = up && auditUp;
    // 503 when the signer cannot sign with every key (orchestrators restart or route around it); the body says which
    // part is down: with several backends, each one's state (the keys of the others keep signing)
    res.status(ok ? 200 : 503).json({
      status: ok ? 'ok' : 'degraded',
      hsm_up: up,
      audit_up: auditUp,
      ...(simulated ? { simulated: true } : {}),
      ...(backends.length > 1 ? { backends: backends.map((b) => ({ name: b.name, kind: b.kind, up: b.up })) } : {}),
    });
  });
  route('GET', '/openapi.json', (_req, res) => {
    res.status(200).json(s.openapi);
  });
  route(
    'GET',
    '/metrics',
    (req, res, next) => (s.config().auth.metricsRequireAuth ? auth(req, res, () => requireRead()(req, res, next)) : next()),
    async (_req, res) => {
      await s.observeBudgets();
      res.setHeader('Content-Type', s.metrics.registry.contentType);
      res.status(200).send(await s.metrics.registry.metrics());
    },
  );

  // read
  /** GET /keys needs a read token unless auth.public_keys = true (the original openKMS's public listing). */
  const keysAuth: express.RequestHandler = (req, res, next) => (s.config().auth.publicKeys ? next() : auth(req, res, () => requireRead()(req, res, next)));
  route('GET', '/keys', keysAuth, async (_req, res) => {
    const scopes = (identityOf(res) as ReturnType<typeof identityOf> | undefined)?.scopes;
    const out = [];
    // origin and attestation of configured keys, where their backend reports them (listing reused for a few seconds)
    const reported = new Map((await s.backend.discover().catch(() => ({ keys: [] }))).keys.map((k) => [`${k.backend}\u0000${k.id}`, k]));
    for (const label of s.keys().labels()) {
      if (scopes && !canRead(scopes, label)) continue;
      const entry = s.keys().get(label)!;
      const resolved = await s
        .keys()
        .resolve(label)
        .catch(() => undefined);
      out.push({
        label,
        chain: entry.config.chain,
        address: resolved?.address ?? null,
        enabled: s.keyEnabled(label),
        object_id: objectIdOf(entry.config.keyId),
        key_id: entry.config.keyId,
        derivation_path: entry.config.derivationPath ?? null,
        public_key_b64: resolved ? toBase64(resolved.publicKey) : null,
        backend: entry.config.backend,
        ...keyOriginFields(reported.get(`${entry.config.backend}\u0000${entry.config.keyId}`)),
      });
    }
    // keys the backends hold that no label maps to: listed for an operator to map (a token limited to some labels
    // does not see them); they have no policy and therefore never get a signature
    if (!scopes || scopes.read || scopes.admin || scopes.signAll) {
      // a key is configured when a label names it by this id or by another one the backend accepts (a PKCS#11 key by
      // its label or its CKA_ID): compared by id and by public key
      const configured = new Set<string>();
      for (const label of s.keys().labels()) {
        const entry = s.keys().get(label)!;
        configured.add(`${entry.config.backend}\u0000${entry.config.keyId}`);
        if (entry.resolved) configured.add(`${entry.config.backend}\u0000${toBase64(entry.resolved.publicKey)}`);
      }
      for (const k of (await s.backend.discover()).keys) {
        if (configured.has(`${k.backend}\u0000${k.id}`) || configured.has(`${k.backend}\u0000${toBase64(k.publicKey)}`)) continue;
        out.push({
          label: null,
          chain: null,
          address: null,
          enabled: false,
          configured: false,
          object_id: null,
          key_id: k.id,
          derivation_path: null,
          public_key_b64: toBase64(k.publicKey),
          backend: k.backend,
          curve: k.curve,
          ...(k.backendLabel ? { backend_label: k.backendLabel } : {}),
          ...keyOriginFields(k),
        });
      }
    }
    res.status(200).json(out);
  });
  const policyOf = async (label: string) => {
    const entry = s.keys().get(label)!;
    const resolved = await s
      .keys()
      .resolve(label)
      .catch(() => undefined);
    const view = await s.policyView(label);
    return withOriginalPolicyFields({ label, chain: entry.config.chain, address: resolved?.address ?? null, ...view }, entry.config, Date.now());
  };
  const adminSnapshot = async (label: string) =>
    adminPolicySnapshot(label, s.config().keys[label]?.policy ?? null, await policyOf(label), s.admin.getOverlay(label));
  route('GET', '/policy', auth, requireRead(), async (_req, res) => {
    const scopes = identityOf(res).scopes;
    const out = [];
    for (const label of s.keys().labels()) if (canRead(scopes, label)) out.push(await policyOf(label));
    // 200 even when the state store is unreachable: the configured policy is served, the usage is marked (see README)
    setStateStoreHeader(res, out);
    res.status(200).json(out);
  });
  route(
    'GET',
    '/policy/:label',
    auth,
    requireRead((r) => String(r.params.label)),
    knownLabel,
    async (req, res) => {
      const view = await policyOf(String(req.params.label));
      setStateStoreHeader(res, [view]);
      res.status(200).json(view);
    },
  );
  route(
    'POST',
    '/policy/:label/explain',
    auth,
    requireRead((r) => String(r.params.label)),
    knownLabel,
    body,
    async (req, res) => {
      const label = String(req.params.label);
      const chain = s.keys().get(label)!.config.chain;
      const requestBody = { ...(req.body as Record<string, unknown>), label };
      s.validators.check(`SignRequest.${chain}`, requestBody);
      const { decision, intent, replay, approvalReasons } = await s.pipeline.explain(label, requestBody);
      // a replay would get the cached signature: the limits it does not consume do not refuse it (see README)
      const refused = !decision.allowed && !replay;
      res.status(200).json({
        label,
        allowed: !refused,
        ...(replay ? { replay: true } : {}),
        ...(refused && decision.code ? { code: decision.code } : {}),
        ...(refused && decision.message ? { message: decision.message } : {}),
        ...(refused && decision.retryAfterSeconds !== undefined ? { retry_after_secs: decision.retryAfterSeconds } : {}),
        // exactly the `details` a sign request would get in its 403/429 body (the failing rule and its facts)
        ...(refused ? { details: { label, ...denialDetails(decision), ...registeredCallDetails(intent) } } : {}),
        // POST /sign would hold it for an operator (202) rather than sign it at once
        ...(approvalReasons.length > 0 ? { approval: { required: true, reasons: approvalReasons } } : {}),
        rules: decision.rules,
        intent: summarizeIntent(intent),
        policy_version: decision.policyVersion,
      });
    },
  );

  // a token past its budget of refused requests is refused before its body is read, without an audit record each
  // (the refusals are audited in aggregate, one record per token and minute)
  const denialGate: express.RequestHandler = (_req, res, next) => {
    const name = identityOf(res).name;
    const retry = s.denialBudget.check(name);
    if (retry === undefined) {
      next();
      return;
    }
    s.metrics.shed.inc({ limit: 'denial_budget' });
    res.setHeader('Connection', 'close');
    sendError(
      res,
      openKmsError(
        ErrorCode.denialBudgetExceeded,
        `token ${name} had more than ${s.config().auth.deniedPerMinute} sign requests refused this minute; it is refused until the minute ends`,
        { retry_after_secs: retry, denied_per_minute: s.config().auth.deniedPerMinute },
      ),
    );
  };

  // sign: one route per loaded chain plugin
  for (const chain of [...s.chains.keys()].sort()) {
    route('POST', `/sign/${chain}`, auth, denialGate, body, limited, async (req, res) => {
      const identity = identityOf(res);
      try {
        const requestBody = req.body as Record<string, unknown>;
        s.validators.check(`SignRequest.${chain}`, requestBody);
        const label = String(requestBody.label);
        if (!canSign(identity.scopes, label)) {
          throw forbidden(req, res, `token ${identity.name} may not sign with ${label}`, { label, chain });
        }
        const result = await s.pipeline.sign(chain, requestBody, {
          requestId: String(res.locals.requestId),
          tokenName: identity.name,
          deadline: Date.now() + s.config().server.requestTimeoutMs,
          mayHold: true,
        });
        void s.observeBudgets(label);
        // held for an operator approval: 202 {approval_id, status, expires_at, reasons} (see approvals/)
        res.status(isHeldResponse(result) ? 202 : 200).json(result);
      } catch (err) {
        const status = isOpenKmsError(err) ? httpStatusOf(err.code) : 500;
        if (status >= 400 && status < 500) s.denialBudget.recordDenial(identity.name);
        throw err;
      }
    });
  }

  // JSON-RPC: one route per loaded chain plugin with an rpc hook (networks in [networks.<name>])
  for (const chain of [...s.chains.keys()].sort()) {
    const plugin = s.chains.get(chain)!;
    if (plugin.rpc === undefined) continue;
    route('POST', `/rpc/${chain}/:network`, auth, requireRead(), denialGate, rpcBody(maxBody), limited, createRpcHandler(s, plugin, forbidden));
  }

  // REST gateway: contracts of [gateway.contracts] and POST /admin/gateway/contracts, on chains with a gateway hook
  mountGatewayRoutes(s, { route, auth, requireRead, requireAdmin, denialGate, limited, adminBody: body, forbidden });

  // MCP over streamable HTTP: the same tools as `openkms mcp`, each call dispatched in process to its route above
  route('POST', '/mcp', auth, body, lazyMcpRoute(s, app));
  // operator approvals: GET /approvals/{id}, /admin/approvals…
  mountApprovalRoutes(s, { route, auth, body, forbidden });
  // agent pairing: POST /pairing, GET /pairing/{id} (public), /admin/pairing…
  mountPairingRoutes(s, { route, auth, body, forbidden });
  // the operator console: the web UI at /ui, GET /admin/audit and GET /admin/activity
  mountConsoleRoutes(app, s, { route, auth, forbidden });

  // admin
  const actor = (res: Response) => identityOf(res);
  const rid = (res: Response) => String(res.locals.requestId);
  route('POST', '/admin/disable', auth, requireAdmin, async (_req, res) => {
    res.status(200).json(await s.admin.setGlobalEnabled(false, actor(res), rid(res)));
  });
  route('POST', '/admin/enable', auth, requireAdmin, async (_req, res) => {
    res.status(200).json(await s.admin.setGlobalEnabled(true, actor(res), rid(res)));
  });
  route('POST', '/admin/keys/:label/disable', auth, requireAdmin, knownLabel, async (req, res) => {
    res.status(200).json(await s.admin.setKeyEnabled(String(req.params.label), false, actor(res), rid(res)));
  });
  route('POST', '/admin/keys/:label/enable', auth, requireAdmin, knownLabel, async (req, res) => {
    res.status(200).json(await s.admin.setKeyEnabled(String(req.params.label), true, actor(res), rid(res)));
  });
  route('GET', '/admin/policy', auth, requireAdmin, async (_req, res) => {
    const out = [];
    for (const label of s.keys().labels()) out.push(await adminSnapshot(label));
    res.status(200).json(out);
  });
  route('GET', '/admin/keys/:label/policy', auth, requireAdmin, knownLabel, async (req, res) => {
    res.status(200).json(await adminSnapshot(String(req.params.label)));
  });
  route('PATCH', '/admin/keys/:label/policy', auth, requireAdmin, knownLabel, body, async (req, res) => {
    const label = String(req.params.label);
    s.validators.check('PolicyOverlay', req.body);
    await s.admin.patchOverlay(label, req.body as Record<string, unknown>, actor(res), rid(res));
    res.status(200).json(await adminSnapshot(label));
  });
  route('DELETE', '/admin/keys/:label/policy', auth, requireAdmin, knownLabel, async (req, res) => {
    const label = String(req.params.label);
    await s.admin.clearOverlay(label, actor(res), rid(res));
    res.status(200).json(await adminSnapshot(label));
  });
  route('POST', '/admin/reload', auth, requireAdmin, async (_req, res) => {
    const { keys, restartRequired } = await s.admin.reload(actor(res), rid(res));
    res.status(200).json({ reloaded: true, keys, restart_required: restartRequired });
  });

  // everything else: 405 for a known path, 404 otherwise — always JSON
  app.use((req, res) => {
    const methods = allowedMethods(routes, req.path);
    if (methods.length > 0) {
      res.setHeader('Allow', methods.join(', '));
      sendError(res, openKmsError(ErrorCode.methodNotAllowed, `method ${req.method} not allowed on ${req.path} (allowed: ${methods.join(', ')})`, {}));
      return;
    }
    sendError(res, openKmsError(ErrorCode.notFound, `no route ${req.method} ${req.path}`, {}));
  });
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (!isExpected(asClientError(err))) s.logger.error({ request_id: res.locals.requestId, err: safeError(err) }, 'unexpected error');
    if (res.headersSent) return;
    sendError(res, asClientError(err));
  });
  app.locals.routes = routes;
  return app;
}

/** The routes an app made by createApp registers (the OpenAPI drift test compares them with the document). */
export function registeredRoutes(app: express.Express): readonly RouteSpec[] {
  return app.locals.routes as RouteSpec[];
}

/** Express's own 4xx errors (an undecodable path parameter, an aborted body) become invalid_request, not 500. */
function asClientError(err: unknown): unknown {
  const status = (err as { status?: unknown; statusCode?: unknown } | null)?.status ?? (err as { statusCode?: unknown } | null)?.statusCode;
  if (!isExpected(err) && typeof status === 'number' && status >= 400 && status < 500) {
    return openKmsError(ErrorCode.invalidRequest, 'the request could not be parsed', {});
  }
  return err;
}

function isExpected(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { name?: string }).name === 'OpenKmsError';
}

/** What may be logged of an unexpected error: its type and message, no request data. */
function safeError(err: unknown): { type: string; message: string; stack?: string } {
  if (err instanceof Error) return { type: err.name, message: err.message, ...(err.stack ? { stack: err.stack } : {}) };
  return { type: typeof err, message: 'non-error thrown' };
}
