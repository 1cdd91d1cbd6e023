import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChainSigner, JsonSchema } from '@openkms/core';

export type OpenApiDocument = Record<string, any>;

const here = dirname(fileURLToPath(import.meta.url));

/**
 * Where the OpenAPI document is. Run from source (the repository), the committed openapi/openkms.v1.yaml; run from
 * dist/ (an installed package), the copy the build ships inside the package — never a path outside it.
 */
export function openApiFile(): string {
  const fromSource = basename(dirname(here)) === 'src';
  const file = fromSource ? join(here, '../../../../openapi/openkms.v1.yaml') : join(here, '../../openapi/openkms.v1.yaml');
  if (!existsSync(file)) throw new Error(`openkms.v1.yaml not found at ${file}`);
  return file;
}

/**
 * The base document. The build ships it pre-parsed beside its YAML copy (openkms.v1.json, written with it): parsing
 * the YAML is a large part of the signer's start-up. The JSON is used only when it is not older than the YAML.
 */
export function loadBaseDocument(file = openApiFile()): OpenApiDocument {
  const json = file.replace(/\.yaml$/, '.json');
  if (json !== file && existsSync(json) && statSync(json).mtimeMs >= statSync(file).mtimeMs) return JSON.parse(readFileSync(json, 'utf8')) as OpenApiDocument;
  // the YAML parser is loaded only here (from the sources, or a stale copy): it is a sizeable share of start-up
  const { parse } = createRequire(import.meta.url)('yaml') as typeof import('yaml');
  return parse(readFileSync(file, 'utf8')) as OpenApiDocument;
}

/** Schemas contributed by other packages (not plugins), injected by name. */
export interface ComposeExtras {
  readonly policySchema?: JsonSchema;
  readonly policyOverlaySchema?: JsonSchema;
}

const PLUGIN_MARK = 'x-openkms-plugin';

function componentName(chain: string, kind: 'SignRequest' | 'SignResponse'): string {
  return `${kind}.${chain}`;
}

function stripMeta(schema: JsonSchema): JsonSchema {
  const { $schema: _s, $id: _i, ...rest } = schema as Record<string, unknown>;
  return rest;
}

const errorRef = (name: string) => ({ $ref: `#/components/responses/${name}` });

/**
 * The served document: the committed base with every plugin-contributed part replaced by the loaded plugins'.
 * With the default plugin set, the result equals the committed file (the drift test checks this).
 */
export function composeOpenApi(
  base: OpenApiDocument,
  plugins: readonly { packageName: string; signer: ChainSigner<any, any> }[],
  extras: ComposeExtras = {},
): OpenApiDocument {
  const doc: OpenApiDocument = structuredClone(base);
  for (const [path, item] of Object.entries<Record<string, any>>(doc.paths ?? {})) {
    if (item?.post?.[PLUGIN_MARK]) delete doc.paths[path];
  }
  for (const [name, schema] of Object.entries<Record<string, any>>(doc.components?.schemas ?? {})) {
    if (schema?.[PLUGIN_MARK]) delete doc.components.schemas[name];
  }
  if (extras.policySchema) doc.components.schemas.Policy = stripMeta(extras.policySchema);
  if (extras.policyOverlaySchema) doc.components.schemas.PolicyOverlay = stripMeta(extras.policyOverlaySchema);
  const sorted = [...plugins].sort((a, b) => a.signer.chain.localeCompare(b.signer.chain));
  for (const { packageName, signer } of sorted) {
    const req = componentName(signer.chain, 'SignRequest');
    const res = componentName(signer.chain, 'SignResponse');
    doc.components.schemas[req] = { ...stripMeta(signer.requestSchema), [PLUGIN_MARK]: packageName };
    doc.components.schemas[res] = { ...stripMeta(signer.responseSchema), [PLUGIN_MARK]: packageName };
    doc.paths[`/sign/${signer.chain}`] = {
      post: {
        operationId: `sign_${signer.chain.replace(/-/g, '_')}`,
        tags: ['sign'],
        summary: signer.summary,
        [PLUGIN_MARK]: packageName,
        requestBody: { required: true, content: { 'application/json': { schema: { $ref: `#/components/schemas/${req}` } } } },
        responses: {
          '200': {
            description: 'Policy passed; the key backend signed; the audit record is durable.',
            headers: { 'x-request-id': { $ref: '#/components/headers/RequestId' } },
            content: { 'application/json': { schema: { $ref: `#/components/schemas/${res}` } } },
          },
          '202': {
            description:
              "Policy passed, but the request meets a condition of the key's approval table: it is held (its budget reserved) until an operator approves it. Poll GET /approvals/{approval_id}.",
            headers: { 'x-request-id': { $ref: '#/components/headers/RequestId' } },
            content: { 'application/json': { schema: { $ref: '#/components/schemas/ApprovalPending' } } },
          },
          '400': errorRef('BadRequest'),
          '401': errorRef('Unauthorized'),
          '403': errorRef('Forbidden'),
          '404': errorRef('NotFound'),
          '413': errorRef('PayloadTooLarge'),
          '415': errorRef('UnsupportedMediaType'),
          '429': errorRef('TooManyRequests'),
          '503': errorRef('ServiceUnavailable'),
          '500': errorRef('InternalError'),
        },
      },
    };
    if (signer.rpc !== undefined) doc.paths[`/rpc/${signer.chain}/{network}`] = rpcOperation(signer, packageName);
  }
  return doc;
}

/** The JSON-RPC operation of a plugin with an rpc hook: one operation, its methods listed in the description. */
function rpcOperation(signer: ChainSigner<any, any>, packageName: string): Record<string, unknown> {
  const rpc = signer.rpc!;
  const list = (methods: readonly string[]) => [...methods].sort().join(', ');
  const jsonRpc = (description: string) => ({
    description,
    headers: { 'x-request-id': { $ref: '#/components/headers/RequestId' } },
    content: { 'application/json': { schema: { $ref: '#/components/schemas/JsonRpcResponseBody' } } },
  });
  return {
    post: {
      operationId: `rpc_${signer.chain.replace(/-/g, '_')}`,
      tags: ['rpc'],
      summary: `JSON-RPC 2.0 (single calls and batches of up to 100) for the ${signer.chain} network named in the path ([networks.<name>] in the config).`,
      description:
        `Answered by the signer (signatures through the same pipeline as POST /sign/${signer.chain}: scope, policy, replay, audit): ${list(rpc.methods)}. ` +
        `Passed unchanged to the network's upstream node: ${list(rpc.passthrough)}. Every other method: JSON-RPC error -32601 ` +
        '(rpc_method_not_allowed). Call errors are JSON-RPC errors in a 200 response; their data carries the REST code, details and ' +
        'request_id (see the README for the code table); an error of the upstream node is passed on as the node sent it. Needs a ' +
        'read or sign token; signing needs the sign scope of the key.',
      [PLUGIN_MARK]: packageName,
      parameters: [{ name: 'network', in: 'path', required: true, description: 'A configured network of this chain.', schema: { type: 'string' } }],
      requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/JsonRpcRequestBody' } } } },
      responses: {
        '200': jsonRpc('The reply (an array of replies for a batch, in order; notifications get none). A failed call is a JSON-RPC error.'),
        '204': {
          description: 'Every call of the request was a notification (no id): nothing to answer.',
          headers: { 'x-request-id': { $ref: '#/components/headers/RequestId' } },
        },
        '400': jsonRpc('Not JSON (-32700, malformed_json), or an empty or too large batch (-32600, invalid_request); id null.'),
        '401': errorRef('Unauthorized'),
        '403': errorRef('Forbidden'),
        '404': jsonRpc('No network of this chain with that name (not_found; id null).'),
        '413': jsonRpc('The body exceeds server.max_body_bytes (payload_too_large, -32600); id null.'),
        '415': jsonRpc('Not application/json (unsupported_media_type, -32600); id null.'),
        '429': errorRef('TooManyRequests'),
        '503': errorRef('ServiceUnavailable'),
        '500': errorRef('InternalError'),
      },
    },
  };
}

/** Request-body schema reference for a route, as declared in the document. */
export function requestSchemaRef(doc: OpenApiDocument, path: string, method: string): string | undefined {
  return doc.paths?.[path]?.[method]?.requestBody?.content?.['application/json']?.schema?.$ref;
}
