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
  }
  return doc;
}

/** Request-body schema reference for a route, as declared in the document. */
export function requestSchemaRef(doc: OpenApiDocument, path: string, method: string): string | undefined {
  return doc.paths?.[path]?.[method]?.requestBody?.content?.['application/json']?.schema?.$ref;
}
