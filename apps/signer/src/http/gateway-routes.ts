import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { ErrorCode, isOpenKmsError, openKmsError, type ChainKey, type ChainRpcContext, type GatewayContract, type OpenKmsError } from '@openkms/core';
import { canRead, canSign } from '../auth/scopes.js';
import type { SignerServices } from '../runtime/signer-services.js';
import { chainRpcContext } from '../rpc/chain-rpc-context.js';
import { identityOf } from './bearer-auth.js';
import { httpStatusOf } from './error-status.js';
import type { RouteSpec } from './route-table.js';
import { hasNoBody } from './optional-json-body.js';
import { readJsonBody } from './read-json-body.js';
import { sendError } from './send-error.js';

/** What create-app lends the gateway routes (its route registration and the shared middleware). */
export interface GatewayRouteHelpers {
  route(method: RouteSpec['method'], path: string, ...handlers: RequestHandler[]): void;
  auth: RequestHandler;
  requireRead: () => RequestHandler;
  requireAdmin: RequestHandler;
  denialGate: RequestHandler;
  limited: RequestHandler;
  adminBody: RequestHandler;
  forbidden(req: Request, res: Response, message: string, where?: { label?: string; chain?: string }): OpenKmsError;
}

/** Query parameters the signer reads itself; on a POST every other one is a transaction field for the chain plugin. */
const OWN_QUERY = new Set(['kld-from', 'sync', 'call', 'network']);

/**
 * The gateway's JSON body: an object (arguments by name) or an array (positional), or no body at all (a function
 * without inputs). 415 / 413 / 400 malformed_json as on every route.
 */
function gatewayBody(maxBytes: () => number): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (hasNoBody(req)) {
      req.body = undefined;
      next();
      return;
    }
    readJsonBody(
      req,
      res,
      maxBytes(),
      (err) => sendError(res, err),
      () => {
        if (req.body !== null && typeof req.body !== 'object') {
          sendError(res, openKmsError(ErrorCode.invalidRequest, 'the body must be the arguments: a JSON object (by name) or array (positional)', {}));
          return;
        }
        next();
      },
    );
  };
}

const one = (v: unknown): string | undefined => (Array.isArray(v) ? String(v[v.length - 1]) : typeof v === 'string' ? v : undefined);

/**
 * The REST gateway: POST/GET /gateway/<contract>/<method>, GET /gateway/receipts/<hash>, GET
 * /gateway/<contract>/openapi.json, and the admin registry (POST/GET /admin/gateway/contracts, DELETE
 * /admin/gateway/contracts/<name>). Chain knowledge comes from the chain plugin's `gateway` hook; signing goes through
 * the same context as the JSON-RPC endpoint (same nonce manager and upstream client per network, same sign pipeline).
 */
export function mountGatewayRoutes(s: SignerServices, h: GatewayRouteHelpers): void {
  const contractOf = (req: Request): GatewayContract => {
    const name = String(req.params.contract);
    const found = s.gateway.get(name);
    if (found === undefined) throw openKmsError(ErrorCode.unknownContract, `no contract ${name} is registered with the gateway`, { contract: name });
    return found.contract;
  };

  /** The key `kld-from` (query) or `x-openkms-from` (header) names: a label or a key's address, of the contract's chain. */
  const fromOf = async (req: Request, chain: string): Promise<ChainKey | undefined> => {
    const raw = one(req.query['kld-from']) ?? req.get('x-openkms-from');
    if (raw === undefined || raw === '') return undefined;
    const keys = s.keys();
    const entry = keys.get(raw);
    if (entry !== undefined && entry.config.chain === chain) return keys.resolve(raw);
    for (const label of keys.labels()) {
      if (keys.get(label)?.config.chain !== chain) continue;
      const key = await keys.resolve(label).catch(() => undefined);
      if (key !== undefined && key.address.toLowerCase() === raw.toLowerCase()) return key;
    }
    throw openKmsError(ErrorCode.unknownFrom, `kld-from ${raw.slice(0, 100)} is neither a ${chain} key label nor a key's address`, { from: raw.slice(0, 100) });
  };

  const contextFor = (req: Request, res: Response, contract: GatewayContract, requestId: string): ChainRpcContext => {
    const identity = identityOf(res);
    const network = s.config().networks[contract.network];
    if (network === undefined)
      throw openKmsError(ErrorCode.unknownContract, `network ${contract.network} is no longer configured`, { contract: contract.name });
    return chainRpcContext(s, { req, res, network, identity, requestId, forbidden: h.forbidden });
  };

  /** GET arguments: each query parameter (not the signer's own) is an input, as text; the chain's gateway reads it by the input's type. */
  const queryArgs = (req: Request): Record<string, unknown> => {
    const args: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(req.query)) if (!OWN_QUERY.has(k)) args[k] = one(v) ?? '';
    return args;
  };

  const read = async (req: Request, res: Response, args: unknown, argsFromQuery = false) => {
    const contract = contractOf(req);
    const gateway = s.gateway.gatewayOf(contract);
    gateway.method(contract, String(req.params.method));
    const network = s.config().networks[contract.network]!;
    const from = await fromOf(req, network.chain);
    const requestId = String(res.locals.requestId);
    const out = await gateway.call(
      { contract, method: String(req.params.method), args, ...(argsFromQuery ? { argsFromQuery } : {}), ...(from ? { from } : {}), tx: {} },
      contextFor(req, res, contract, requestId),
    );
    res.status(200).json(out);
  };

  const send = async (req: Request, res: Response) => {
    const identity = identityOf(res);
    try {
      const contract = contractOf(req);
      const gateway = s.gateway.gatewayOf(contract);
      const method = gateway.method(contract, String(req.params.method));
      if (method.readOnly) throw openKmsError(ErrorCode.invalidRequest, `${method.signature} is a read: use GET (or POST ?call=true)`, { field: 'method' });
      const network = s.config().networks[contract.network]!;
      const from = await fromOf(req, network.chain);
      if (from === undefined)
        throw openKmsError(ErrorCode.invalidRequest, 'name the signing key: kld-from query parameter or x-openkms-from header (label or address)', {
          field: 'kld-from',
        });
      if (!canSign(identity.scopes, from.label))
        throw h.forbidden(req, res, `token ${identity.name} may not sign with ${from.label}`, { label: from.label, chain: network.chain });
      const tx: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(req.query)) if (!OWN_QUERY.has(k)) tx[k] = one(v);
      const sync = one(req.query.sync) === 'true';
      const requestId = String(res.locals.requestId);
      const out = await gateway.send(
        { contract, method: String(req.params.method), args: req.body, from, tx, ...(sync ? { waitMs: s.config().server.requestTimeoutMs } : {}) },
        contextFor(req, res, contract, requestId),
      );
      res.status(out.status === 'pending' ? 202 : 200).json(out);
    } catch (err) {
      const status = isOpenKmsError(err) ? httpStatusOf(err.code) : 500;
      if (status >= 400 && status < 500 && status !== 404) s.denialBudget.recordDenial(identity.name);
      throw err;
    }
  };

  const readScope: RequestHandler = (req, res, next) => {
    if (!canRead(identityOf(res).scopes)) {
      sendError(res, h.forbidden(req, res, 'this token needs read scope (or a sign scope) for gateway reads'));
      return;
    }
    next();
  };
  const body = gatewayBody(() => s.config().server.maxBodyBytes);

  h.route('GET', '/gateway/receipts/:hash', h.auth, readScope, h.limited, async (req, res) => {
    const contracts = s.gateway.list().map((c) => c.contract);
    const asked = one(req.query.network);
    const networks = [...new Set(contracts.map((c) => c.network))];
    const name = asked ?? (networks.length === 1 ? networks[0] : undefined);
    if (name === undefined)
      throw openKmsError(ErrorCode.invalidRequest, `name the network (?network=): contracts are registered on ${networks.join(', ') || 'no network'}`, {
        field: 'network',
      });
    const network = s.config().networks[name];
    const gateway = network === undefined ? undefined : s.chains.get(network.chain)?.gateway;
    if (network === undefined || gateway === undefined) throw openKmsError(ErrorCode.notFound, `no gateway network ${name}`, { network: name });
    const onNetwork = contracts.filter((c) => c.network === name);
    const ctx = contextFor(req, res, { name: '(receipt)', network: name, address: '', abi: [] }, String(res.locals.requestId));
    res.status(200).json(await gateway.receipt(String(req.params.hash), onNetwork, ctx));
  });
  h.route('GET', '/gateway/:contract/openapi.json', h.auth, readScope, (req, res) => {
    const contract = contractOf(req);
    const base = `${req.protocol}://${req.get('host') ?? 'localhost'}`;
    res.status(200).json(s.gateway.gatewayOf(contract).openapi(contract, base));
  });
  h.route('GET', '/gateway/:contract/:method', h.auth, readScope, h.limited, (req, res) => read(req, res, queryArgs(req), true));
  h.route('POST', '/gateway/:contract/:method', h.auth, h.denialGate, body, h.limited, async (req, res) => {
    if (one(req.query.call) === 'true') {
      if (!canRead(identityOf(res).scopes)) throw h.forbidden(req, res, 'this token needs read scope (or a sign scope) for gateway reads');
      await read(req, res, req.body);
      return;
    }
    await send(req, res);
  });

  const view = (c: { contract: GatewayContract; source: string }) => ({
    name: c.contract.name,
    network: c.contract.network,
    address: c.contract.address,
    source: c.source,
    methods: s.gateway.gatewayOf(c.contract).methods(c.contract.abi),
  });
  h.route('GET', '/admin/gateway/contracts', h.auth, h.requireAdmin, (_req, res) => {
    res.status(200).json(s.gateway.list().map(view));
  });
  h.route('POST', '/admin/gateway/contracts', h.auth, h.requireAdmin, h.adminBody, async (req, res) => {
    s.validators.check('GatewayContractRegistration', req.body);
    const out = await s.gateway.register(req.body as Record<string, unknown>, identityOf(res), String(res.locals.requestId));
    res.status(out.replaced ? 200 : 201).json({ ...view(out), replaced: out.replaced });
  });
  h.route('DELETE', '/admin/gateway/contracts/:name', h.auth, h.requireAdmin, async (req, res) => {
    await s.gateway.remove(String(req.params.name), identityOf(res), String(res.locals.requestId));
    res.status(200).json({ name: String(req.params.name), removed: true });
  });
}
