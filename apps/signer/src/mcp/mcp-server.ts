import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolRequestSchema, ErrorCode as McpErrorCode, ListToolsRequestSchema, McpError, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { ErrorCode, isOpenKmsError } from '@openkms/core';
import type { McpDispatch, McpHttpResponse } from './mcp-dispatch.js';
import type { McpTool } from './mcp-tools.js';

const INSTRUCTIONS = `openKMS signs chain-native transactions with keys that never leave the HSM, only when the key's policy allows it.
Start with list_keys (labels, chains, addresses) and get_policy (caps, allowlists, budgets left). explain is a dry run of
a sign request. A refusal is a tool error whose structured content carries a stable code (e.g. per_tx_cap_exceeded,
recipient_not_allowed, rate_limited with retry_after_secs) and the failing rule's details: act on the code, never retry a
policy refusal unchanged. No tool can change policy, tokens or kill switches.`;

/** A tool error: `isError` with the stable code and the reason, as text and as structured content. */
export function toolError(code: string, message: string, extra: Readonly<Record<string, unknown>> = {}): CallToolResult {
  return { isError: true, content: [{ type: 'text', text: `${code}: ${message}` }], structuredContent: { code, error: message, ...extra } };
}

function toolValue(value: unknown, requestId?: string): CallToolResult {
  const structured = value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : { value };
  return {
    content: [{ type: 'text', text: JSON.stringify(value) }],
    structuredContent: requestId === undefined ? structured : { ...structured, request_id: requestId },
  };
}

function fromResponse(tool: McpTool, res: McpHttpResponse): CallToolResult {
  const body = (res.json ?? {}) as { error?: unknown; code?: unknown; details?: unknown; request_id?: unknown };
  if (res.status < 200 || res.status >= 300) {
    const code = typeof body.code === 'string' ? body.code : `http_${res.status}`;
    const message = typeof body.error === 'string' ? body.error : `the signer answered HTTP ${res.status}`;
    return toolError(code, message, {
      status: res.status,
      ...(body.details === undefined ? {} : { details: body.details }),
      ...(res.requestId === undefined ? {} : { request_id: res.requestId }),
    });
  }
  const outcome = tool.outcome?.(res.json) ?? { ok: true as const, value: res.json };
  if (!outcome.ok)
    return toolError(outcome.code, outcome.message, {
      status: res.status,
      ...(outcome.details === undefined ? {} : { details: outcome.details }),
      ...(res.requestId === undefined ? {} : { request_id: res.requestId }),
    });
  return toolValue(outcome.value, res.requestId);
}

/**
 * The openKMS MCP server: the tools (see deriveMcpTools) and a call handler that sends each call to the signer's HTTP
 * API through `dispatch`. The low-level SDK Server is used because the tools' input schemas are JSON Schemas taken
 * from the OpenAPI document (McpServer.registerTool wants zod schemas).
 */
export function createMcpServer(tools: readonly McpTool[], dispatch: McpDispatch, version: string): Server {
  const server = new Server({ name: 'openkms', title: 'openKMS signer', version }, { capabilities: { tools: {} }, instructions: INSTRUCTIONS });
  const byName = new Map(tools.map((t) => [t.name, t]));
  server.setRequestHandler(ListToolsRequestSchema, async () => ({
    tools: tools.map((t) => ({ name: t.name, title: t.title, description: t.description, inputSchema: t.inputSchema, annotations: t.annotations })),
  }));
  server.setRequestHandler(CallToolRequestSchema, async (request): Promise<CallToolResult> => {
    const tool = byName.get(request.params.name);
    if (tool === undefined) throw new McpError(McpErrorCode.InvalidParams, `unknown tool ${request.params.name} (tools: ${[...byName.keys()].join(', ')})`);
    const args = request.params.arguments ?? {};
    let http;
    try {
      http = tool.request(args);
    } catch (err) {
      if (isOpenKmsError(err)) return toolError(err.code, err.message, { details: err.context });
      throw err;
    }
    let res: McpHttpResponse;
    try {
      res = await dispatch(http);
    } catch (err) {
      return toolError(ErrorCode.backendUnavailable, `the signer could not be reached (${(err as Error)?.message ?? String(err)})`);
    }
    return fromResponse(tool, res);
  });
  return server;
}
