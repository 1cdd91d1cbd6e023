import type { Request, RequestHandler, Response } from 'express';
import { ErrorCode, isOpenKmsError, openKmsError, type ChainSigner, type OpenKmsError } from '@openkms/core';
import { identityOf } from '../http/bearer-auth.js';
import { httpStatusOf } from '../http/error-status.js';
import type { SignerServices } from '../runtime/signer-services.js';
import { chainRpcContext } from './chain-rpc-context.js';
import { jsonRpcErrorOf, JSON_RPC_ERROR_CODES } from './json-rpc-errors.js';
import { sendJsonRpcRequestError } from './rpc-body.js';

/** Most calls in one JSON-RPC batch. */
export const MAX_RPC_BATCH = 100;

type JsonRpcId = string | number | null;
type Reply = { jsonrpc: '2.0'; id: JsonRpcId; result?: unknown; error?: unknown };

const isId = (v: unknown): v is JsonRpcId => v === null || typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v));

/**
 * POST /rpc/<chain>/<network>: JSON-RPC 2.0, single calls and batches (at most MAX_RPC_BATCH, run concurrently;
 * notifications are run and get no reply). Each call is handed to the chain plugin's `rpc.handle` with a context that
 * signs through the same pipeline as POST /sign/<chain> (request validation, sign scope, policy, replay, audit,
 * metrics). A call in a batch gets the request id `<x-request-id>.<index>` in its audit records and error data.
 *
 * `forbidden` audits a scope refusal and returns its error (the REST routes' helper).
 */
export function createRpcHandler(
  s: SignerServices,
  plugin: ChainSigner<any, any>,
  forbidden: (req: Request, res: Response, message: string, where: { label?: string; chain?: string }) => OpenKmsError,
): RequestHandler {
  const chain = plugin.chain;
  const rpc = plugin.rpc!;
  return async (req, res) => {
    const name = String(req.params.network);
    const network = s.config().networks[name];
    if (network === undefined || network.chain !== chain) {
      sendJsonRpcRequestError(res, openKmsError(ErrorCode.notFound, `no ${chain} network ${name} is configured`, { network: name }));
      return;
    }
    const identity = identityOf(res);
    const httpRequestId = String(res.locals.requestId);
    const body = req.body as unknown;
    const batch = Array.isArray(body);
    if (batch && (body.length === 0 || body.length > MAX_RPC_BATCH)) {
      sendJsonRpcRequestError(
        res,
        openKmsError(ErrorCode.invalidRequest, body.length === 0 ? 'empty batch' : `a batch holds at most ${MAX_RPC_BATCH} calls`, {
          max_batch: MAX_RPC_BATCH,
        }),
      );
      return;
    }

    const one = async (call: unknown, requestId: string): Promise<Reply | undefined> => {
      const c = call as { jsonrpc?: unknown; id?: unknown; method?: unknown; params?: unknown } | null;
      const id = c !== null && typeof c === 'object' && isId(c.id) ? c.id : null;
      if (
        c === null ||
        typeof c !== 'object' ||
        Array.isArray(c) ||
        c.jsonrpc !== '2.0' ||
        typeof c.method !== 'string' ||
        (c.id !== undefined && !isId(c.id)) ||
        (c.params !== undefined && (typeof c.params !== 'object' || c.params === null))
      ) {
        return {
          jsonrpc: '2.0',
          id,
          error: {
            code: JSON_RPC_ERROR_CODES.invalidRequest,
            message: 'not a JSON-RPC 2.0 request (jsonrpc "2.0", a string method, params an array or object)',
            data: { code: ErrorCode.invalidRequest, request_id: requestId },
          },
        };
      }
      const ctx = chainRpcContext(s, { req, res, network, identity, requestId, forbidden });
      try {
        const result = await rpc.handle({ method: c.method, params: (c.params as never) ?? [] }, ctx);
        return c.id === undefined ? undefined : { jsonrpc: '2.0', id, result: result ?? null };
      } catch (err) {
        const status = isOpenKmsError(err) ? httpStatusOf(err.code) : 500;
        // a refused call counts against the token's denial budget like a refused /sign request (an unknown method does
        // not: clients probe, e.g. viem's wallet_sendTransaction fallback)
        if (status >= 400 && status < 500 && status !== 404 && !(isOpenKmsError(err) && err.code === ErrorCode.rpcMethodNotAllowed))
          s.denialBudget.recordDenial(identity.name);
        if (!isOpenKmsError(err)) s.logger.error({ request_id: requestId, message: (err as Error).message }, 'unexpected error in a JSON-RPC call');
        return c.id === undefined ? undefined : { jsonrpc: '2.0', id, error: jsonRpcErrorOf(err, requestId) };
      }
    };

    const replies = batch ? await Promise.all(body.map((c, i) => one(c, `${httpRequestId}.${i}`))) : [await one(body, httpRequestId)];
    const sent = replies.filter((r): r is Reply => r !== undefined);
    if (sent.length === 0) {
      res.status(204).end();
      return;
    }
    res.status(200).json(batch ? sent : sent[0]);
  };
}
