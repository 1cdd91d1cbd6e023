/**
 * `openkms keys generate|list --config F --backend NAME` on a backend other than the YubiHSM2: a SoftHSM2 token through
 * the PKCS#11 plugin's generateKey hook; a backend without the hook says so.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSoftHsmToken, softHsmMissing } from '@openkms/tooling/test-helpers';
import { cli } from './support/cli-process.js';

const skip = softHsmMissing();

test('keys generate/list --backend on a SoftHSM2 token; the config snippet passes config check', { skip }, async () => {
  const token = createSoftHsmToken();
  const dir = mkdtempSync(join(tmpdir(), 'openkms-backend-keys-'));
  try {
    const config = join(dir, 'config.toml');
    writeFileSync(config, `[backends.soft]\nkind = "pkcs11"\nmodule = "${token.module}"\ntoken_label = "${token.tokenLabel}"\npin_file = "${token.pinFile}"\n`);
    const gen = await cli([
      'keys',
      'generate',
      '--config',
      config,
      '--backend',
      'soft',
      '--label',
      'sol-new',
      '--chain',
      'solana',
      '--json',
      '--config-snippet',
    ]);
    assert.equal(gen.code, 0, gen.stderr);
    const g = JSON.parse(gen.stdout);
    assert.equal(g.key_id, 'sol-new');
    assert.match(g.address, /^[1-9A-HJ-NP-Za-km-z]{32,44}$/);
    const evm = await cli(['keys', 'generate', '--config', config, '--backend', 'soft', '--label', 'evm-new', '--chain', 'evm', '--json']);
    assert.equal(evm.code, 0, evm.stderr);
    const dup = await cli(['keys', 'generate', '--config', config, '--backend', 'soft', '--label', 'sol-new', '--chain', 'solana']);
    assert.equal(dup.code, 5, dup.stderr);
    assert.match(dup.stderr, /already holds a key labelled sol-new/);

    const list = await cli(['keys', 'list', '--config', config, '--backend', 'soft', '--json']);
    assert.equal(list.code, 0, list.stderr);
    const rows = JSON.parse(list.stdout) as { key_id: string; curve: string; addresses: Record<string, string> }[];
    assert.deepEqual(rows.map((r) => [r.key_id, r.curve]).sort(), [
      ['evm-new', 'secp256k1'],
      ['sol-new', 'ed25519'],
    ]);
    assert.equal(rows.find((r) => r.key_id === 'sol-new')!.addresses.solana, g.address);
    assert.equal(rows.find((r) => r.key_id === 'evm-new')!.addresses.evm, JSON.parse(evm.stdout).address);

    appendFileSync(config, `\n${g.config_snippet}\n`);
    const check = await cli(['config', 'check', '--config', config]);
    assert.equal(check.code, 0, check.stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    token.remove();
  }
});

test('keys generate --backend on a backend that cannot generate keys says so', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'openkms-backend-keys-'));
  try {
    const config = join(dir, 'config.toml');
    writeFileSync(join(dir, 'hsm.password'), 'password', { mode: 0o600 });
    // the YubiHSM2 plugin generates through the ceremony commands (keys generate --mnemonic-file), not this hook
    writeFileSync(config, `[backends.hsm]\nkind = "yubihsm"\nconnectors = ["http://127.0.0.1:9"]\npassword_file = "hsm.password"\ncommand_timeout_ms = 500\n`);
    const r = await cli(['keys', 'generate', '--config', config, '--backend', 'hsm', '--label', 'x', '--chain', 'solana']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /backend hsm \(kind yubihsm2?\) cannot generate keys from openkms.*\[unsupported\]/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
