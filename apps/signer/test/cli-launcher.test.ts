import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CLI_BIN } from './support/cli-process.js';

/**
 * bin/openkms.mjs in a scratch tree: a signer package with one @openkms/* dependency, each with src/ and dist/. The
 * scratch tree has no tsx, so a launcher that decides against dist/ ends with "run pnpm build" instead of running the
 * sources: the tests see exactly when dist/ is used.
 */
describe('bin/openkms.mjs starts from dist/ only when it is up to date', () => {
  let root: string;
  let signer: string;
  let dep: string;
  const old = new Date('2026-01-01T00:00:00Z');
  const newer = new Date('2026-01-02T00:00:00Z');
  const write = (file: string, text: string, when = old) => {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
    utimesSync(file, when, when);
  };
  const launch = (env: Record<string, string> = {}) =>
    spawnSync(process.execPath, [join(signer, 'bin/openkms.mjs'), '--help'], { encoding: 'utf8', env: { ...process.env, OPENKMS_CLI_FROM: '', ...env } });

  before(() => {
    root = mkdtempSync(join(tmpdir(), 'openkms-launcher-'));
    signer = join(root, 'apps/signer');
    dep = join(signer, 'node_modules/@openkms/dep');
    mkdirSync(join(signer, 'bin'), { recursive: true });
    copyFileSync(CLI_BIN, join(signer, 'bin/openkms.mjs'));
    write(join(signer, 'package.json'), JSON.stringify({ name: '@openkms/signer', type: 'module', dependencies: { '@openkms/dep': '*', other: '*' } }));
    write(join(dep, 'package.json'), JSON.stringify({ name: '@openkms/dep', type: 'module', exports: { './package.json': './package.json' } }));
    write(join(root, 'openapi/openkms.v1.yaml'), 'openapi: 3.1.0\n');
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  const build = () => {
    write(join(signer, 'src/cli.ts'), 'console.log("from source");');
    write(join(signer, 'src/cli.test.ts'), '');
    write(join(dep, 'src/index.ts'), 'export {};');
    write(join(signer, 'dist/index.js'), 'export {};', newer);
    write(join(signer, 'dist/cli.js'), 'console.log("from dist");', newer);
    write(join(dep, 'dist/index.js'), 'export {};', newer);
    write(join(signer, 'openapi/openkms.v1.yaml'), 'openapi: 3.1.0\n', newer);
  };

  test('up to date: runs dist/cli.js (a newer test file does not count)', () => {
    build();
    utimesSync(join(signer, 'src/cli.test.ts'), new Date(), new Date());
    const r = launch();
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, 'from dist\n');
  });

  test('equal timestamps (a published package) count as up to date', () => {
    build();
    for (const f of [join(signer, 'src/cli.ts'), join(dep, 'src/index.ts')]) utimesSync(f, newer, newer);
    assert.equal(launch().stdout, 'from dist\n');
  });

  for (const [what, stale] of [
    ['a source file of the signer is newer', (s: string) => utimesSync(join(s, 'src/cli.ts'), new Date(), new Date())],
    ['a source file of an @openkms/* dependency is newer', (_s: string, d: string) => utimesSync(join(d, 'src/index.ts'), new Date(), new Date())],
    ['a dependency is not built', (_s: string, d: string) => rmSync(join(d, 'dist'), { recursive: true })],
    ['openapi/openkms.v1.yaml is newer than its shipped copy', (s: string) => utimesSync(join(s, '../../openapi/openkms.v1.yaml'), new Date(), new Date())],
  ] as const) {
    test(`stale when ${what}: never runs dist/`, () => {
      build();
      stale(signer, dep);
      const r = launch();
      assert.notEqual(r.stdout, 'from dist\n');
      assert.equal(r.status, 1);
      assert.match(r.stderr, /tsx is not installed to run the sources; run pnpm build/);
      const forced = launch({ OPENKMS_CLI_FROM: 'dist' });
      assert.equal(forced.status, 1);
      assert.match(forced.stderr, /cannot start from dist\/ \(.+\); run pnpm build/);
    });
  }

  test('OPENKMS_CLI_FROM=source skips an up-to-date dist/', () => {
    build();
    const r = launch({ OPENKMS_CLI_FROM: 'source' });
    assert.notEqual(r.stdout, 'from dist\n');
    assert.match(r.stderr, /OPENKMS_CLI_FROM=source/);
  });
});
