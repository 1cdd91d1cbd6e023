import { ErrorCode, openKmsError } from '@openkms/core';
import type { OpenApiDocument } from '../openapi/compose-openapi.js';
import { inlineRefs } from './inline-refs.js';
import type { McpHttpRequest } from './mcp-dispatch.js';

/** What a 2xx answer means for the tool: its value, or a tool error (a JSON-RPC error inside a 200). */
export type McpToolOutcome =
  { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly code: string; readonly message: string; readonly details?: unknown };

/** One MCP tool: a read or sign operation of the HTTP API, its input schema derived from the OpenAPI document. */
export interface McpTool {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  /** A JSON Schema of type object, standing alone (no $ref). */
  readonly inputSchema: { readonly type: 'object' } & Readonly<Record<string, unknown>>;
  readonly annotations: {
    readonly readOnlyHint: boolean;
    readonly destructiveHint: boolean;
    readonly idempotentHint: boolean;
    readonly openWorldHint: boolean;
  };
  /** The HTTP request of a call with these arguments (throws `invalid_request` when they cannot make one). */
  request(args: Readonly<Record<string, unknown>>): McpHttpRequest;
  /** The meaning of a 2xx body (default: the body is the value). */
  outcome?(json: unknown): McpToolOutcome;
}

/** Which optional tools to offer. */
export interface McpToolOptions {
  /**
   * The configured EVM networks ([networks.<name>] with chain = "evm"): send_evm_transaction is offered when there is
   * one, its `network` limited to them. Undefined: not known here (stdio without a config): offered, any name.
   */
  readonly evmNetworks?: readonly string[];
}

const READ = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false } as const;
/** Signing moves funds once broadcast: not read-only, and each signature may be acted on (not idempotent for the agent). */
const SIGN = { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true } as const;

function operation(doc: OpenApiDocument, path: string, method: 'get' | 'post'): Record<string, any> | undefined {
  return (doc.paths as Record<string, Record<string, any>> | undefined)?.[path]?.[method];
}

function describe(op: Record<string, any>, extra = ''): string {
  return [op.summary, op.description, extra].filter((s) => typeof s === 'string' && s !== '').join('\n\n');
}

function bodySchema(doc: OpenApiDocument, op: Record<string, any>): Record<string, unknown> {
  return inlineRefs(op.requestBody?.content?.['application/json']?.schema ?? { type: 'object' }, doc) as Record<string, unknown>;
}

function labelSchema(doc: OpenApiDocument, op: Record<string, any>): Record<string, unknown> {
  const params = (inlineRefs(op.parameters ?? [], doc) as { name: string; in: string; schema?: Record<string, unknown> }[]).find(
    (p) => p.name === 'label' && p.in === 'path',
  );
  return { ...(params?.schema ?? { type: 'string' }), description: 'Label of the configured key.' };
}

function stringArg(args: Readonly<Record<string, unknown>>, name: string): string {
  const v = args[name];
  if (typeof v !== 'string' || v === '') throw openKmsError(ErrorCode.invalidRequest, `${name} must be a non-empty string`, { field: name });
  return v;
}

const objectSchema = (schema: Record<string, unknown>) => ({ ...schema, type: 'object' as const });

/**
 * The MCP tools of an OpenAPI document (the signer's composed document, with every loaded chain plugin's sign-request
 * schema): list_keys, get_policy, explain, sign_<chain> per chain (sign_solana, sign_cosmos, sign_evm) and
 * send_evm_transaction. None changes policy, tokens or kill switches: the admin operations are not tools.
 */
export function deriveMcpTools(doc: OpenApiDocument, options: McpToolOptions = {}): McpTool[] {
  const tools: McpTool[] = [];
  const keys = operation(doc, '/keys', 'get');
  if (keys) {
    tools.push({
      name: 'list_keys',
      title: 'List signing keys',
      description: describe(keys, 'Call first: each key has a label (to name it in the other tools), a chain and an address.'),
      inputSchema: { type: 'object', properties: {}, additionalProperties: false },
      annotations: READ,
      request: () => ({ method: 'GET', path: '/keys' }),
      outcome: (json) => ({ ok: true, value: { keys: json } }),
    });
  }
  const policy = operation(doc, '/policy/{label}', 'get');
  if (policy) {
    tools.push({
      name: 'get_policy',
      title: 'Get a key’s policy',
      description: describe(policy, 'What the key may do: caps, allowlists, rate limits, what is left of its budgets, kill switches.'),
      inputSchema: { type: 'object', required: ['label'], properties: { label: labelSchema(doc, policy) }, additionalProperties: false },
      annotations: READ,
      request: (args) => ({ method: 'GET', path: `/policy/${encodeURIComponent(stringArg(args, 'label'))}` }),
    });
  }
  const chains = Object.keys(doc.paths ?? {})
    .map((p) => /^\/sign\/([a-z0-9][a-z0-9-]*)$/.exec(p)?.[1])
    .filter((c): c is string => c !== undefined)
    .sort();
  const explain = operation(doc, '/policy/{label}/explain', 'post');
  if (explain) {
    const requests = chains.map((chain) => bodySchema(doc, operation(doc, `/sign/${chain}`, 'post')!));
    tools.push({
      name: 'explain',
      title: 'Explain a policy decision (dry run)',
      description: describe(
        explain,
        `The arguments are a sign request of the key's chain (as for ${chains.map((c) => `sign_${c.replace(/-/g, '_')}`).join(', ')}). Nothing is signed or consumed.`,
      ),
      inputSchema: { type: 'object', required: ['label'], properties: { label: labelSchema(doc, explain) }, anyOf: requests },
      annotations: READ,
      request: (args) => ({ method: 'POST', path: `/policy/${encodeURIComponent(stringArg(args, 'label'))}/explain`, body: args }),
    });
  }
  for (const chain of chains) {
    const op = operation(doc, `/sign/${chain}`, 'post')!;
    tools.push({
      name: `sign_${chain.replace(/-/g, '_')}`,
      title: `Sign (${chain})`,
      description: describe(op, 'Signed only when the key’s policy allows it; a refusal is a tool error with its stable code and reason.'),
      inputSchema: objectSchema(bodySchema(doc, op)),
      annotations: SIGN,
      request: (args) => ({ method: 'POST', path: `/sign/${chain}`, body: args }),
    });
  }
  const rpc = operation(doc, '/rpc/evm/{network}', 'post');
  if (rpc && (options.evmNetworks === undefined || options.evmNetworks.length > 0)) tools.push(sendEvmTransaction(rpc, options.evmNetworks));
  return tools;
}

const QUANTITY = { type: 'string', pattern: '^0x[0-9a-fA-F]{1,64}$', description: 'A JSON-RPC quantity (0x hex).' };

function sendEvmTransaction(rpc: Record<string, any>, networks: readonly string[] | undefined): McpTool {
  const networkParam = (rpc.parameters as { name: string; description?: string }[] | undefined)?.find((p) => p.name === 'network');
  return {
    name: 'send_evm_transaction',
    title: 'Send an EVM transaction',
    description: [
      'eth_sendTransaction through the signer’s JSON-RPC endpoint (POST /rpc/evm/{network}): the signer fills nonce, gas and fees, signs with the key of `from` through the same pipeline as sign_evm (scope, policy, replay, audit) and sends it to the network’s node. Returns the transaction hash.',
      rpc.summary,
    ]
      .filter(Boolean)
      .join('\n\n'),
    inputSchema: {
      type: 'object',
      required: ['network', 'transaction'],
      additionalProperties: false,
      properties: {
        network: {
          type: 'string',
          description: networkParam?.description ?? 'A configured network.',
          ...(networks === undefined ? {} : { enum: [...networks] }),
        },
        transaction: {
          type: 'object',
          required: ['from'],
          description: 'The eth_sendTransaction object; omitted nonce, gas and fee fields are filled by the signer.',
          properties: {
            from: { type: 'string', pattern: '^0x[0-9a-fA-F]{40}$', description: 'The address of a key this token may sign with (see list_keys).' },
            to: { type: 'string', pattern: '^0x[0-9a-fA-F]{40}$' },
            value: QUANTITY,
            data: { type: 'string', pattern: '^0x([0-9a-fA-F]{2})*$' },
            gas: QUANTITY,
            gasPrice: QUANTITY,
            maxFeePerGas: QUANTITY,
            maxPriorityFeePerGas: QUANTITY,
            nonce: QUANTITY,
          },
        },
      },
    },
    annotations: SIGN,
    request: (args) => ({
      method: 'POST',
      path: `/rpc/evm/${encodeURIComponent(stringArg(args, 'network'))}`,
      body: { jsonrpc: '2.0', id: 1, method: 'eth_sendTransaction', params: [args.transaction] },
    }),
    outcome: (json) => {
      const reply = json as { result?: unknown; error?: { message?: string; data?: { code?: string; details?: unknown } } } | undefined;
      if (reply?.error !== undefined) {
        const data = reply.error.data;
        return {
          ok: false,
          code: typeof data?.code === 'string' ? data.code : ErrorCode.upstreamRejected,
          message: reply.error.message ?? 'the JSON-RPC call failed',
          ...(data === undefined ? {} : { details: data }),
        };
      }
      return { ok: true, value: { transaction_hash: reply?.result } };
    },
  };
}
