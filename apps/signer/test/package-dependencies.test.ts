import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '../../..');
/** Runtime dependencies used without an import: the signer discovers and loads its first-party chain and backend plugins by name. */
const LOADED_BY_NAME: Record<string, readonly string[]> = {
  '@openkms/signer': ['@openkms/solana', '@openkms/cosmos', '@openkms/evm', '@openkms/pkcs11', '@openkms/aws-kms', '@openkms/azure-key-vault', '@openkms/vault'],
};

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sourceFiles(p));
    // published source only: tests and test helpers are excluded (as in the packages' `files`)
    else if (/\.(ts|mts|js|mjs)$/.test(name) && !/\.test\.[mc]?[tj]s$/.test(name) && !name.startsWith('test-')) out.push(p);
  }
  return out;
}

test('every runtime dependency of every package is imported by its published source (unused ones are dev-only or gone)', () => {
  const dirs = [...readdirSync(join(repo, 'packages')).map((d) => join(repo, 'packages', d)), join(repo, 'apps/signer')];
  const unused: string[] = [];
  for (const dir of dirs) {
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name: string; dependencies?: Record<string, string> };
    const text = sourceFiles(join(dir, 'src'))
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    for (const dep of Object.keys(pkg.dependencies ?? {})) {
      if (LOADED_BY_NAME[pkg.name]?.includes(dep)) continue;
      const escaped = dep.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
      if (!new RegExp(`(from|import\\(|require\\()\\s*['"]${escaped}(/[^'"]*)?['"]`).test(text)) unused.push(`${pkg.name}: ${dep}`);
    }
  }
  assert.deepEqual(unused, []);
});
