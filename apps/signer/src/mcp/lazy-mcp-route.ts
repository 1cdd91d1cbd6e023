import type express from 'express';
import type { SignerServices } from '../runtime/signer-services.js';

/**
 * The POST /mcp handler, its module (the MCP SDK, light-my-request) imported on the first MCP request, so the signer
 * starts without it.
 */
export function lazyMcpRoute(s: SignerServices, app: express.Express): express.RequestHandler {
  let handler: Promise<express.RequestHandler> | undefined;
  return async (req, res) => {
    const h = await (handler ??= import('./mcp-http-route.js')
      .then((m) => m.mcpRequestHandler(s, app))
      .catch((err: unknown) => {
        handler = undefined;
        throw err;
      }));
    await h(req, res, () => undefined);
  };
}
