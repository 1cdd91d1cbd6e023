import type { GatewayContract } from '@openkms/core';
import type { AbiFunction, AbiParameter } from 'viem';
import { abiFunctions, functionSignature, gatewayMethods, paramName } from './gateway-abi.js';

type Tuple = AbiParameter & { components?: readonly AbiParameter[] };
type Schema = Record<string, unknown>;

/** The JSON Schema of an ABI parameter's JSON form (what toAbiValue accepts and fromAbiValue returns). */
export function abiParamSchema(p: Tuple): Schema {
  const m = /^(.*)\[(\d*)\]$/.exec(p.type);
  if (m) {
    const items = abiParamSchema({ ...p, type: m[1]! } as Tuple);
    return { type: 'array', items, ...(m[2] === '' ? {} : { minItems: Number(m[2]), maxItems: Number(m[2]) }) };
  }
  const t = p.type;
  if (t === 'tuple') return tupleSchema(p.components ?? []);
  if (t === 'address') return { type: 'string', pattern: '^0x[0-9a-fA-F]{40}$', description: 'address (checksummed or lower case)' };
  if (t === 'bool') return { type: 'boolean' };
  if (t === 'string') return { type: 'string' };
  if (t === 'bytes') return { type: 'string', pattern: '^0x([0-9a-fA-F]{2})*$', description: 'bytes (0x hex)' };
  if (t.startsWith('bytes')) return { type: 'string', pattern: `^0x[0-9a-fA-F]{${Number(t.slice(5)) * 2}}$`, description: `${t} (0x hex)` };
  const signed = t.startsWith('int');
  return { type: 'string', pattern: signed ? '^-?[0-9]{1,78}$' : '^[0-9]{1,78}$', description: `${t} as a decimal string` };
}

/** An object keyed by the components' names (unnamed: `<prefix><i>`), every one required. */
export function tupleSchema(components: readonly Tuple[], prefix: 'arg' | 'out' = 'arg'): Schema {
  const properties: Record<string, Schema> = {};
  components.forEach((c, i) => (properties[paramName(c, i, prefix)] = abiParamSchema(c)));
  return { type: 'object', additionalProperties: false, required: Object.keys(properties), properties };
}

const QUANTITY = { type: 'string', pattern: '^(0|[1-9][0-9]{0,77}|0x[0-9a-fA-F]{1,64})$' };
const SEND_RESULT: Schema = {
  type: 'object',
  required: ['transaction_hash', 'nonce', 'from', 'to'],
  properties: {
    transaction_hash: { type: 'string', pattern: '^0x[0-9a-fA-F]{64}$' },
    nonce: { type: 'string', description: 'the nonce the signer assigned (decimal)' },
    from: { type: 'string' },
    to: { type: 'string' },
    status: { type: 'string', enum: ['success', 'reverted', 'pending'], description: 'with sync=true' },
    block_number: { type: 'string' },
    block_hash: { type: 'string' },
    gas_used: { type: 'string' },
    events: { type: 'array', items: { type: 'object' } },
  },
};
const ERROR: Schema = {
  type: 'object',
  required: ['error', 'code'],
  properties: { error: { type: 'string' }, code: { type: 'string' }, request_id: { type: 'string' }, details: { type: 'object' } },
};

const errorResponses = {
  '400': {
    description: 'invalid arguments (code invalid_request, field names the argument)',
    content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
  },
  '403': {
    description: 'refused by scope or policy (code says which rule)',
    content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
  },
  '404': { description: 'unknown contract, method or signing key', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
  '503': {
    description: "the network's node is unavailable (rpc_unavailable)",
    content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
  },
};

function operationId(fn: AbiFunction, overloaded: boolean, verb: string): string {
  const base = overloaded
    ? `${fn.name}_${functionSignature(fn)
        .replace(/[^A-Za-z0-9]+/g, '_')
        .replace(/_+$/, '')}`
    : fn.name;
  return `${verb}_${base}`;
}

/**
 * An OpenAPI 3.1 document of one gateway contract: per function, POST /gateway/<contract>/<method> (state-changing:
 * kld-from, sync, value / gas / fee query parameters; the body is the arguments object) or GET with the arguments as
 * query parameters (view/pure; tuples and arrays as JSON), the path naming the function by its signature when
 * overloaded; request and response schemas derived from the ABI; bearer authentication.
 */
export function gatewayOpenApi(contract: GatewayContract, serverUrl: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const methods = gatewayMethods(contract.abi);
  abiFunctions(contract.abi).forEach((fn, i) => {
    const m = methods[i]!;
    const path = `/gateway/${contract.name}/${m.overloaded ? m.signature : fn.name}`;
    const inputs = tupleSchema(fn.inputs as readonly Tuple[]);
    const outputs = tupleSchema(fn.outputs as readonly Tuple[], 'out');
    const summary = `${m.signature} (${fn.stateMutability})`;
    if (m.readOnly) {
      paths[path] = {
        get: {
          operationId: operationId(fn, m.overloaded, 'call'),
          summary,
          description: 'eth_call on the contract; arguments as query parameters (tuples and arrays as JSON text); outputs by name.',
          parameters: fn.inputs.map((p, j) => ({
            name: paramName(p, j),
            in: 'query',
            required: true,
            schema: /^(tuple|.*\])/.test(p.type) ? { type: 'string', description: `JSON of ${p.type}` } : abiParamSchema(p as Tuple),
          })),
          responses: { '200': { description: 'the decoded outputs', content: { 'application/json': { schema: outputs } } }, ...errorResponses },
        },
      };
      return;
    }
    paths[path] = {
      post: {
        operationId: operationId(fn, m.overloaded, 'send'),
        summary,
        description: 'Builds, signs (policy, audit) and sends a transaction calling the function; nonce, gas and fees are filled by the signer.',
        parameters: [
          {
            name: 'kld-from',
            in: 'query',
            required: false,
            schema: { type: 'string' },
            description: 'signing key: label or address (or the x-openkms-from header)',
          },
          { name: 'x-openkms-from', in: 'header', required: false, schema: { type: 'string' } },
          { name: 'sync', in: 'query', required: false, schema: { type: 'boolean' }, description: 'wait (bounded) for the receipt' },
          ...(fn.stateMutability === 'payable'
            ? [{ name: 'value', in: 'query', required: false, schema: QUANTITY, description: 'wei sent with the call' }]
            : []),
          { name: 'gas', in: 'query', required: false, schema: QUANTITY },
          { name: 'gas_price', in: 'query', required: false, schema: QUANTITY },
          { name: 'max_fee_per_gas', in: 'query', required: false, schema: QUANTITY },
          { name: 'max_priority_fee_per_gas', in: 'query', required: false, schema: QUANTITY },
        ],
        requestBody: { required: fn.inputs.length > 0, content: { 'application/json': { schema: inputs } } },
        responses: {
          '200': { description: 'sent (with sync=true: mined)', content: { 'application/json': { schema: SEND_RESULT } } },
          '202': { description: 'sync=true: sent, not mined within the wait', content: { 'application/json': { schema: SEND_RESULT } } },
          ...errorResponses,
        },
      },
    };
  });
  return {
    openapi: '3.1.0',
    info: { title: `openKMS gateway: ${contract.name}`, version: '1', description: `Contract ${contract.address} on network ${contract.network}.` },
    servers: [{ url: serverUrl }],
    security: [{ bearerAuth: [] }],
    paths,
    components: {
      securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer' } },
      schemas: { Error: ERROR },
    },
  };
}
