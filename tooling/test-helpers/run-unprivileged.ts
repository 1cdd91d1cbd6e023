import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { TestContext } from 'node:test';

/** uid and gid of `nobody` on Linux: the unprivileged user a root test run drops to. */
export const NOBODY = 65534;

/** Whether this test process runs as root (CI does). */
export const isRoot = process.getuid?.() === 0;

/**
 * Runs a test body that needs an unprivileged user (root bypasses file permissions: a read-only directory, an
 * unreadable file). Not root: runs `body` here. Root: runs this very test again in a child process as `nobody`
 * (uid/gid 65534; `node --test` with a name filter on the same file), and passes only when the child ran it and it
 * passed, so the test is never skipped. Tests that need root instead (chown) run directly, so a root run covers both.
 * `testFile` is the calling test file's `import.meta.url`; the body must create what it needs itself (mkdtemp in the
 * child), since the child cannot read the parent's private files.
 */
export async function runUnprivileged(t: TestContext, testFile: string, body: () => Promise<void> | void): Promise<void> {
  if (!isRoot) {
    await body();
    return;
  }
  const pattern = `^${t.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`;
  // NODE_TEST_CONTEXT would make the child a reporter of this run instead of a test run of its own
  const { NODE_TEST_CONTEXT: _ctx, ...env } = process.env;
  const child = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', '--test', '--test-reporter=tap', `--test-name-pattern=${pattern}`, fileURLToPath(testFile)],
    { uid: NOBODY, gid: NOBODY, env: { ...env, HOME: tmpdir() }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  assert.equal(code, 0, `as nobody (uid ${NOBODY}):\n${out}`);
  assert.match(out, /^# pass 1$/m, `the test ran (and passed) as nobody:\n${out}`);
  t.diagnostic(`ran as nobody (uid ${NOBODY}) in a child process`);
}
