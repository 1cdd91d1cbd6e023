import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = dirname(fileURLToPath(import.meta.url));

test("the plugin loads viem/utils, never viem's index (its whole index costs ~10 MB more RSS in every signer)", () => {
  const offenders: string[] = [];
  for (const file of readdirSync(SRC, { recursive: true }) as string[]) {
    if (!file.endsWith('.ts') || file.endsWith('.test.ts') || /(^|\/)test-/.test(file)) continue; // tests and test-* helpers are not shipped
    const text = readFileSync(join(SRC, file), 'utf8');
    for (const m of text.matchAll(/^(import|export)\s+(?!type\s)[^;]*?from\s+'viem';/gms)) offenders.push(`${file}: ${m[0].replace(/\s+/g, ' ')}`);
    if (/import\(\s*'viem'\s*\)/.test(text)) offenders.push(`${file}: import('viem')`);
  }
  assert.deepEqual(offenders, [], 'import values from viem/utils (type-only imports from viem are erased)');
});
