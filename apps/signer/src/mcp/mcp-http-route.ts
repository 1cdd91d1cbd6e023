import type express from 'express';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { ErrorCode, openKmsError } from '@openkms/core';
import type { SignerConfig } from '../config/signer-config.js';
import type { SignerServices } from '../runtime/signer-services.js';
import { inProcessRequest, type HttpHandler } from './in-process-request.js';
import type { McpDispatch } from './mcp-dispatch.js';
import { createMcpServer } from './mcp-server.js';
import { deriveMcpTools, type McpTool } from './mcp-tools.js';

/**
 * A dispatch into the signer's own express app, in process (see inProcessRequest; nothing goes over the network):
 * each tool call runs the route it names with the caller's Authorization header, so it is authenticated, scoped,
 * validated, decided, audited and counted exactly like that HTTP request. Its request id is the MCP request's,
 * suffixed `.<n>`.
 */
export function inProcessDispatch(app: HttpHandler, authorization: string, requestId: string, remoteAddress?: string): McpDispatch {
  let n = 0;
  return async ({ method, path, body }) => {
    const id = `${requestId}.${++n}`;
    const res = await inProcessRequest(app, {
      method,
      url: path,
      headers: { authorization, 'x-request-id': id, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      ...(remoteAddress ? { remoteAddress } : {}),
    });
    let json: unknown;
    try {
      json = res.body === '' ? undefined : JSON.parse(res.body);
    } catch {
      json = undefined;
    }
    return { status: res.status, json, requestId: id };
  };
}

/**
 * POST /mcp: the MCP server over streamable HTTP (stateless: one server and transport per request, JSON responses).
 * The route's bearer authentication runs first; its tool calls are dispatched in process with the same token.
 */
export function mcpRequestHandler(s: SignerServices, app: express.Express): express.RequestHandler {
  const toolsByConfig = new WeakMap<SignerConfig, McpTool[]>();
  const toolsFor = (config: SignerConfig): McpTool[] => {
    let tools = toolsByConfig.get(config);
    if (tools === undefined) {
      const evmNetworks = Object.values(config.networks)
        .filter((n) => n.chain === 'evm')
        .map((n) => n.name)
        .sort();
      tools = deriveMcpTools(s.openapi, { evmNetworks });
      toolsByConfig.set(config, tools);
    }
    return tools;
  };
  return async (req, res) => {
    const authorization = req.get('authorization');
    if (authorization === undefined)
      throw openKmsError(
        ErrorCode.unauthorized,
        'POST /mcp needs a bearer token (its tool calls are made with it); a client certificate alone is not enough',
        {},
      );
    const dispatch = inProcessDispatch(app as unknown as HttpHandler, authorization, String(res.locals.requestId), req.socket.remoteAddress);
    const server = createMcpServer(toolsFor(s.config()), dispatch, String(s.openapi.info?.version ?? '1'));
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, req.body);
  };
}
