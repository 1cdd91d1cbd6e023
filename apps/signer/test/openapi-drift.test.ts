import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadBaseDocument } from '../src/openapi/compose-openapi.js';
import { defaultOpenApiDocument } from '../src/cli/openapi-command.js';
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

test('every route the document describes has an operation id, and every operation lists its error responses', () => {
  const doc = loadBaseDocument();
  for (const [path, item] of Object.entries<Record<string, any>>(doc.paths)) {
    for (const [method, op] of Object.entries<Record<string, any>>(item)) {
      assert.ok(op.operationId, `${method} ${path} needs an operationId`);
      assert.ok(op.responses?.['200'], `${method} ${path} documents its 200`);
    }
  }
  for (const p of [
    '/health',
    '/keys',
    '/policy',
    '/policy/{label}',
    '/sign/solana',
    '/sign/cosmos',
    '/admin/keys/{label}/disable',
    '/metrics',
    '/openapi.json',
  ]) {
    assert.ok(doc.paths[p], `${p} is documented`);
  }
});
