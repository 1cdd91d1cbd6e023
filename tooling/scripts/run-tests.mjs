#!/usr/bin/env node
// Runs every *.test.ts file of the package in the current directory with Node's own test runner.
// Tests import workspace packages from source (the "source" export condition), so no build is needed.
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

const roots = ['src', 'test'];
const files = [];
function walk(dir) {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of entries) {
    if (name === 'node_modules' || name === 'dist' || name === 'fixtures') continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) walk(full);
    else if (name.endsWith('.test.ts')) files.push(relative(process.cwd(), full));
  }
}
for (const root of roots) walk(root);
const filter = process.argv.slice(2);
const selected = filter.length ? files.filter((f) => filter.some((p) => f.includes(p))) : files;
if (selected.length === 0) {
  console.error('run-tests: no test files found');
  process.exit(1);
}
// OPENKMS_TEST_REPORT=<reporter module>:<file> adds a second reporter writing to that file (the spec one stays on stdout).
const report = process.env.OPENKMS_TEST_REPORT?.split(':');
const reporters = ['--test-reporter=spec', '--test-reporter-destination=stdout'];
if (report?.length === 2 && report[0] && report[1]) reporters.push(`--test-reporter=${report[0]}`, `--test-reporter-destination=${report[1]}`);
const result = spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', '--test', ...reporters, ...selected.sort()], {
  stdio: 'inherit',
  env: { ...process.env, NODE_ENV: 'test' },
});
process.exit(result.status ?? 1);
