import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadBaseDocument } from '../src/openapi/compose-openapi.js';
import { defaultOpenApiDocument } from '../src/cli/openapi-command.js';
import { createApp, registeredRoutes } from '../src/http/create-app.js';
import { defaultSearchPaths } from '../src/plugins/discover-plugins.js';
import { loadPlugins } from '../src/plugins/load-plugins.js';
import type { SignerServices } from '../src/runtime/signer-services.js';
import { startTestSigner } from './support/test-signer.js';

test('the served OpenAPI document for the default plugin set equals the committed openapi/openkms.v1.yaml', async () => {
  const committed = loadBaseDocument();
  const composed = await defaultOpenApiDocument();
  assert.deepEqual(composed, committed, 'openapi/openkms.v1.yaml has drifted: run `pnpm openkms openapi --write` and review the diff');
  const s = await startTestSigner();
  try {
    const res = await s.request('GET', '/openapi.json');
    assert.equal(res.status, 200);
    assert.deepEqual(res.json, committed);
  } finally {
    await s.close();
  }
});

test('the routes the app registers are exactly the operations the document describes (default plugins)', async () => {
  const doc = loadBaseDocument();
  const { plugins } = await loadPlugins({ searchPaths: defaultSearchPaths() });
  // createApp reads its services lazily (inside handlers) except the chain list, which decides the sign routes
  const app = createApp({ chains: new Map(plugins.map((p) => [p.signer.chain, p.signer])) } as unknown as SignerServices);
  const registered = registeredRoutes(app)
    .map((r) => `${r.method} ${r.path.replace(/:([A-Za-z_]+)/g, '{$1}')}`)
    .sort();
  const documented: string[] = [];
  for (const [path, item] of Object.entries<Record<string, any>>(doc.paths)) {
    for (const [method, op] of Object.entries<Record<string, any>>(item)) {
      assert.ok(op.operationId, `${method} ${path} needs an operationId`);
      assert.ok(op.responses?.['200'], `${method} ${path} documents its 200`);
      documented.push(`${method.toUpperCase()} ${path}`);
    }
  }
  assert.deepEqual(registered, documented.sort());
});

test('every operation lists the statuses every route can answer: 503 (shutting down) and 500; 401/403 behind auth; 400/404 on label routes', () => {
  const doc = loadBaseDocument();
  for (const [path, item] of Object.entries<Record<string, any>>(doc.paths)) {
    for (const [method, op] of Object.entries<Record<string, any>>(item)) {
      const codes = Object.keys(op.responses);
      const where = `${method} ${path}`;
      for (const c of ['200', '500', '503']) assert.ok(codes.includes(c), `${where} documents ${c}`);
      const open = Array.isArray(op.security) && op.security.length === 0;
      if (!open) for (const c of ['401', '403']) assert.ok(codes.includes(c), `${where} (authenticated) documents ${c}`);
      if (path.includes('{label}')) for (const c of ['400', '404']) assert.ok(codes.includes(c), `${where} (label in the path) documents ${c}`);
      if (op.requestBody) for (const c of ['400', '413', '415']) assert.ok(codes.includes(c), `${where} (JSON body) documents ${c}`);
    }
  }
});
