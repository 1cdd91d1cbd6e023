import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isOpenKmsError } from '@openkms/core';
import { defaultSearchPaths, discoverPlugins, resolveEntry } from './discover-plugins.js';
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

test("a plugin's openkms.entry names the subpath export the signer imports (the first-party plugins: their light ./plugin entry)", () => {
  const found = discoverPlugins(defaultSearchPaths());
  for (const name of ['@openkms/solana', '@openkms/cosmos', '@openkms/evm']) {
    const d = found.find((f) => f.name === name)!;
    assert.match(resolveEntry(d), /[/\\]src[/\\]plugin\.ts$/, name); // tests run from the sources (the `source` condition)
  }
  const toy = discoverPlugins([fixtures]).find((f) => f.name === 'openkms-plugin-toy')!;
  assert.match(resolveEntry(toy), /[/\\]index\.js$/); // no entry: the main export
  const missing = { ...toy, packageJson: { ...toy.packageJson, openkms: { plugin: 'chain', apiVersion: 1, entry: './light' } } };
  assert.throws(
    () => resolveEntry(missing),
    (err: unknown) => isOpenKmsError(err) && err.code === 'plugin_invalid' && /openkms\.entry "\.\/light"/.test(err.message),
  );
});
