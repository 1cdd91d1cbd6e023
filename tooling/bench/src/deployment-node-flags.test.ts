import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { deploymentNodeFlags } from '@openkms/tooling/test-helpers';

test('the shipped unit caps the heap, and the bench reads those flags from it', () => {
  const unit = readFileSync(fileURLToPath(new URL('../../../apps/signer/deploy/openkms.service', import.meta.url)), 'utf8');
  const flags = deploymentNodeFlags(unit);
  assert.ok(
    flags.some((f) => /^--max-old-space-size=\d+$/.test(f)),
    `flags: ${flags.join(' ')}`,
  );
  assert.ok(flags.some((f) => /^--max-semi-space-size=\d+$/.test(f)));
  assert.deepEqual(deploymentNodeFlags('[Service]\nEnvironment=NODE_ENV=production\n'), []);
});
