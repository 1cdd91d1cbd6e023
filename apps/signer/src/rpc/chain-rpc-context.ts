import type { ChainKey, ChainRpcContext, OpenKmsError } from '@openkms/core';
import type { Request, Response } from 'express';
import { canSign } from '../auth/scopes.js';
import type { TokenIdentity } from '../auth/token-store.js';
import type { NetworkConfig } from '../config/signer-config.js';
import type { SignerServices } from '../runtime/signer-services.js';

/** What a chain's JSON-RPC or gateway code needs beside the call itself. */
export interface ChainRpcContextOptions {
  readonly req: Request;
  readonly res: Response;
  readonly network: NetworkConfig;
  readonly identity: TokenIdentity;
  readonly requestId: string;
  /** Audits a scope refusal and returns its error (the REST routes' helper). */
  readonly forbidden: (req: Request, res: Response, message: string, where: { label?: string; chain?: string }) => OpenKmsError;
}

/**
 * The context the JSON-RPC endpoint and the REST gateway hand a chain plugin: the keys this identity may sign with on
 * that chain, signing through the same pipeline as POST /sign/<chain> (validation, scopes, policy, replay, audit),
 * the network's upstream node, the shared nonce manager and refusal auditing.
 */
export function chainRpcContext(s: SignerServices, o: ChainRpcContextOptions): ChainRpcContext {
  const { req, res, network, identity, requestId } = o;
  const chain = network.chain;
  const upstream = s.rpc.upstream(network);
  return {
    network: { name: network.name, chain, upstream: network.upstream, options: network.options },
    accounts: async () => {
      const out: ChainKey[] = [];
      for (const label of s.keys().labels()) {
        if (s.keys().get(label)?.config.chain !== chain || !canSign(identity.scopes, label)) continue;
        const key = await s
          .keys()
          .resolve(label)
          .catch(() => undefined);
        if (key) out.push(key);
      }
      return out;
    },
    sign: async (signBody) => {
      s.validators.check(`SignRequest.${chain}`, signBody);
      const label = String(signBody.label);
      if (!canSign(identity.scopes, label)) throw o.forbidden(req, res, `token ${identity.name} may not sign with ${label}`, { label, chain });
      const out = await s.pipeline.sign(chain, signBody as Record<string, unknown>, {
        requestId,
        tokenName: identity.name,
        deadline: Date.now() + s.config().server.requestTimeoutMs,
      });
      void s.observeBudgets(label);
      return out;
    },
    upstream: (method, params) => upstream.call(method, params),
    nonces: s.rpc.nonces,
    refuse: (code, reason, details) =>
      s.auditRefusal({ decision: 'deny', code, reason, requestId, route: req.path, tokenName: identity.name, chain, ...(details ? { details } : {}) }),
  };
}
