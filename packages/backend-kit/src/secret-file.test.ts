import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { readSecretFile, resolveConfigPath } from './secret-file.js';

describe('readSecretFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'openkms-kit-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a 0600 file, trimmed; resolves relative paths against the config directory', () => {
    writeFileSync(join(dir, 'token'), '  s3cret-token\n', { mode: 0o600 });
    assert.equal(resolveConfigPath(dir, 'token'), join(dir, 'token'));
    assert.equal(resolveConfigPath(dir, '/etc/x'), '/etc/x');
    assert.equal(readSecretFile(resolveConfigPath(dir, 'token'), 'token_file'), 's3cret-token');
  });

  it('refuses a group- or world-readable file, an empty one and a missing one, never quoting the secret', { skip: process.platform === 'win32' }, () => {
    writeFileSync(join(dir, 'open'), 'open-secret-value', { mode: 0o644 });
    assert.throws(
      () => readSecretFile(join(dir, 'open'), 'token_file'),
      (e: Error & { code?: string }) =>
        e.code === 'insecure_file' && !JSON.stringify(e).includes('open-secret-value') && !e.message.includes('open-secret-value'),
    );
    writeFileSync(join(dir, 'empty'), '\n', { mode: 0o600 });
    assert.throws(() => readSecretFile(join(dir, 'empty'), 'token_file'), { code: 'config_invalid' });
    assert.throws(() => readSecretFile(join(dir, 'missing'), 'token_file'), { code: 'config_invalid' });
  });
});
