import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { CLI_BIN, REPO_ROOT } from './support/cli-process.js';

// On a fresh clone nothing is built: the launcher runs the CLI from the TypeScript sources (its resolve hook adds the
// `source` condition, which process.execArgv does not show), and the chain plugins must then load from their
// sources too — not from a dist/ that does not exist (or is stale).
test('the CLI started from the sources loads every first-party chain plugin from its sources', () => {
  const r = spawnSync(process.execPath, [CLI_BIN, 'openapi'], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    env: { ...process.env, OPENKMS_CLI_FROM: 'source' },
    timeout: 120_000,
  });
  assert.equal(r.status, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as { paths: Record<string, unknown> };
  for (const chain of ['solana', 'cosmos', 'evm']) assert.ok(doc.paths[`/sign/${chain}`], `/sign/${chain} is served`);
});
