import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { GENERATED_FILE, generateApiTypes } from '../scripts/generate-api-types.js';

test('src/openapi-types.ts is what openapi-typescript generates from openapi/openkms.v1.yaml now', async () => {
  const committed = readFileSync(GENERATED_FILE, 'utf8');
  assert.ok(
    committed === (await generateApiTypes()),
    'src/openapi-types.ts has drifted from the document: run `pnpm --filter @openkms/client generate` and review the diff',
  );
});
