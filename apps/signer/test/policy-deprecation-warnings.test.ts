import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestSigner } from './support/test-signer.js';
import { SOL, withPolicy } from './support/policy-fixtures.js';

test('the deprecated key-wide allow_unknown_instructions is logged as a warning at start, naming its path', async () => {
  const s = await startTestSigner({
    config: withPolicy(SOL, `allow_unknown_instructions = true\nallowed_programs = [{ id = "11111111111111111111111111111111" }]`),
  });
  try {
    const warnings = s.logs.map((l) => JSON.parse(l) as { level: number; path?: string; msg: string }).filter((l) => l.level === 40 && l.path !== undefined);
    assert.deepEqual(
      warnings.map((w) => w.path),
      [`keys.${SOL}.policy.allow_unknown_instructions`],
    );
    assert.match(warnings[0]!.msg, /deprecated/);
  } finally {
    await s.close();
  }
});
