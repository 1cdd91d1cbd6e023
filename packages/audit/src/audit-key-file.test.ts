import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isOpenKmsError } from '@openkms/core';
import { createAuditKeyFile, loadAuditKey } from './audit-key-file.js';
import { tempDir } from './test-fixtures.js';

test('createAuditKeyFile writes 32 random hex bytes with mode 0600; loadAuditKey reads them back', async () => {
  const dir = await tempDir();
  const path = join(dir, 'audit.key');
  await createAuditKeyFile(path);
  assert.equal((await stat(path)).mode & 0o777, 0o600);
  const text = (await readFile(path, 'utf8')).trim();
  assert.match(text, /^[0-9a-f]{64}$/);
  const key = await loadAuditKey(path);
  assert.equal(key.length, 32);
  assert.equal(Buffer.from(key).toString('hex'), text);
  const other = join(dir, 'other.key');
  await createAuditKeyFile(other);
  assert.notEqual(Buffer.from(await loadAuditKey(other)).toString('hex'), text);
});

test('createAuditKeyFile never overwrites an existing file', async () => {
  const dir = await tempDir();
  const path = join(dir, 'audit.key');
  await createAuditKeyFile(path);
  const before = await readFile(path, 'utf8');
  await assert.rejects(createAuditKeyFile(path), (err: unknown) => isOpenKmsError(err) && err.code === 'conflict');
  assert.equal(await readFile(path, 'utf8'), before);
});

test('loadAuditKey refuses group/other-accessible files with insecure_file naming path and mode, never the key', async () => {
  const dir = await tempDir();
  const path = join(dir, 'audit.key');
  await createAuditKeyFile(path);
  const hex = (await readFile(path, 'utf8')).trim();
  for (const mode of [0o640, 0o604, 0o644, 0o660]) {
    await chmod(path, mode);
    await assert.rejects(loadAuditKey(path), (err: unknown) => {
      assert.ok(isOpenKmsError(err));
      assert.equal(err.code, 'insecure_file');
      assert.equal(err.context.path, path);
      assert.equal(err.context.mode, '0' + mode.toString(8));
      assert.ok(!JSON.stringify(err.toJSON()).includes(hex));
      assert.ok(!String(err.stack).includes(hex));
      return true;
    });
  }
  await chmod(path, 0o400);
  assert.equal((await loadAuditKey(path)).length, 32);
});

test('loadAuditKey rejects malformed content without echoing it', async () => {
  const dir = await tempDir();
  const path = join(dir, 'bad.key');
  await writeFile(path, 'not-a-key-but-a-secret-ish-string\n', { mode: 0o600 });
  await assert.rejects(loadAuditKey(path), (err: unknown) => {
    assert.ok(isOpenKmsError(err));
    assert.equal(err.code, 'config_invalid');
    assert.ok(!JSON.stringify(err.toJSON()).includes('secret-ish'));
    return true;
  });
  await assert.rejects(loadAuditKey(join(dir, 'missing.key')), (err: unknown) => isOpenKmsError(err) && err.code === 'config_invalid');
});
