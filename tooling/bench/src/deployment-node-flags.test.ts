import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { deploymentEnvironment, deploymentNodeFlags } from '@openkms/tooling/test-helpers';

test('the shipped unit caps the heap, and the bench reads those flags from it', () => {
  const unit = readFileSync(fileURLToPath(new URL('../../../apps/signer/deploy/openkms.service', import.meta.url)), 'utf8');
  const flags = deploymentNodeFlags(unit);
  assert.ok(
    flags.some((f) => /^--max-old-space-size=\d+$/.test(f)),
    `flags: ${flags.join(' ')}`,
  );
  assert.ok(flags.some((f) => /^--max-semi-space-size=\d+$/.test(f)));
  assert.deepEqual(deploymentNodeFlags('[Service]\nEnvironment=NODE_ENV=production\n'), []);
  // the rest of the unit's environment goes to the measured signer too, NODE_OPTIONS aside (those are the flags)
  assert.equal(deploymentEnvironment(unit).MALLOC_ARENA_MAX, '2');
  assert.deepEqual(deploymentEnvironment('Environment=A=1\nEnvironment="B=x y"\nEnvironment="NODE_OPTIONS=--a"\n# Environment=C=3\n'), { A: '1', B: 'x y' });
});
