import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isOpenKmsError } from '@openkms/core';
import { defaultSearchPaths, discoverPlugins } from './discover-plugins.js';
import { loadPlugins } from './load-plugins.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '../../test/fixtures/third-party');

test('first-party plugins are found beside the signer and loaded by default', async () => {
  const { plugins, report } = await loadPlugins({ searchPaths: [fixtures, ...defaultSearchPaths()] });
  assert.deepEqual(plugins.map((p) => p.signer.chain).sort(), ['cosmos', 'evm', 'solana']);
  const skipped = report.skipped.map((s) => s.name).sort();
  assert.deepEqual(skipped, ['openkms-plugin-future', 'openkms-plugin-toy']);
});

test('a third-party plugin is discovered from its package.json and loaded when enabled', async () => {
  const found = discoverPlugins([fixtures]);
  assert.deepEqual(
    found.map((f) => f.name),
    ['openkms-plugin-future', 'openkms-plugin-toy'],
  );
  const { plugins } = await loadPlugins({ searchPaths: [fixtures, ...defaultSearchPaths()], enabled: ['@openkms/solana', 'openkms-plugin-toy'] });
  assert.deepEqual(plugins.map((p) => p.signer.chain).sort(), ['solana', 'toy']);
});

test('an enabled plugin with an incompatible apiVersion stops startup, naming package and versions', async () => {
  await assert.rejects(
    loadPlugins({ searchPaths: [fixtures], enabled: ['openkms-plugin-future'] }),
    (err: unknown) =>
      isOpenKmsError(err) &&
      err.code === 'plugin_incompatible' &&
      /openkms-plugin-future@9\.0\.0/.test(err.message) &&
      /apiVersion 2/.test(err.message) &&
      /supports apiVersion 1/.test(err.message),
  );
});

test('an enabled plugin that is not installed stops startup', async () => {
  await assert.rejects(
    loadPlugins({ searchPaths: [fixtures], enabled: ['openkms-plugin-missing'] }),
    (err: unknown) => isOpenKmsError(err) && err.code === 'plugin_invalid',
  );
});
