import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isOpenKmsError } from '@openkms/core';
import plugin from '../index.js';

const context = (dir: string, name = 'h') => ({ name, configDir: dir, log: () => undefined });

test('the package default-exports the yubihsm backend plugin', () => {
  assert.equal(plugin.apiVersion, 1);
  assert.equal(plugin.kind, 'yubihsm');
  assert.deepEqual(plugin.curves, ['ed25519', 'secp256k1']);
  assert.equal((plugin.optionsSchema as { additionalProperties: boolean }).additionalProperties, false);
});

test('the password file must be 0600 and well-formed; errors name the config path, never the password', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'openkms-yubihsm-plugin-'));
  try {
    writeFileSync(join(dir, 'loose.password'), 'hunter2-secret', { mode: 0o644 });
    await assert.rejects(
      async () => plugin.create({ password_file: 'loose.password' }, context(dir)),
      (e: unknown) => isOpenKmsError(e) && e.code === 'insecure_file' && e.context.path === 'backends.h.password_file' && !e.message.includes('hunter2'),
    );
    writeFileSync(join(dir, 'bad.hex'), 'not hex', { mode: 0o600 });
    await assert.rejects(
      async () => plugin.create({ password_file: 'bad.hex', password_encoding: 'hex' }, { ...context(dir), configPath: 'backend.yubihsm' }),
      (e: unknown) => isOpenKmsError(e) && e.code === 'config_invalid' && e.context.path === 'backend.yubihsm.password_file',
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a device that does not answer yet is not a start-up error: the backend is built, down, and warns', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'openkms-yubihsm-plugin-'));
  const warnings: string[] = [];
  try {
    writeFileSync(join(dir, 'hsm.password'), 'password', { mode: 0o600 });
    const backend = await plugin.create(
      { connectors: ['http://127.0.0.1:9'], password_file: 'hsm.password', command_timeout_ms: 500 },
      { ...context(dir), log: (level, msg) => warnings.push(`${level}: ${msg}`) },
    );
    try {
      assert.equal((await backend.health()).up, false);
      assert.ok(
        warnings.some((w) => /^warn: .*does not answer yet/.test(w)),
        warnings.join('\n'),
      );
    } finally {
      await backend.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
