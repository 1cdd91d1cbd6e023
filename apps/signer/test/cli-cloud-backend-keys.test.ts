/**
 * `openkms keys generate|list --config F --backend NAME` on the cloud backends, against the TEST-ONLY emulators of
 * their wire APIs (tooling/kms-emulators): AWS KMS (CreateKey + CreateAlias under alias_prefix) and HashiCorp Vault
 * (transit create, ed25519). The generated keys are listed, and the config snippet passes config check.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAwsKmsEmulator, startVaultEmulator } from '@openkms/tooling/kms-emulators';
import { cli } from './support/cli-process.js';

type Row = { key_id: string; backend_label: string | null; curve: string; addresses: Record<string, string> };

test('keys generate/list --backend on AWS KMS (emulated): solana and evm keys under the alias prefix; a taken alias is refused', async () => {
  const emulator = await startAwsKmsEmulator();
  const dir = mkdtempSync(join(tmpdir(), 'openkms-cloud-keys-'));
  try {
    writeFileSync(join(dir, 'credentials'), `[openkms]\naws_access_key_id = ${emulator.accessKeyId}\naws_secret_access_key = ${emulator.secretAccessKey}\n`, {
      mode: 0o600,
    });
    const config = join(dir, 'config.toml');
    writeFileSync(
      config,
      `[backends.kms]\nkind = "aws-kms"\nregion = "${emulator.region}"\nendpoint = "${emulator.url}"\nprofile = "openkms"\ncredentials_file = "credentials"\ntimeout_ms = 20000\n`,
    );
    const args = (label: string, chain: string) => ['keys', 'generate', '--config', config, '--backend', 'kms', '--label', label, '--chain', chain, '--json'];
    const sol = await cli([...args('sol-kms', 'solana'), '--config-snippet']);
    assert.equal(sol.code, 0, sol.stderr);
    const s = JSON.parse(sol.stdout);
    assert.equal(s.key_id, 'alias/openkms/sol-kms');
    assert.match(s.address, /^[1-9A-HJ-NP-Za-km-z]{32,44}$/);
    const evm = await cli(args('evm-kms', 'evm'));
    assert.equal(evm.code, 0, evm.stderr);
    assert.match(JSON.parse(evm.stdout).address, /^0x[0-9a-fA-F]{40}$/);
    const dup = await cli(args('evm-kms', 'evm'));
    assert.equal(dup.code, 5, dup.stderr);
    assert.match(dup.stderr, /already has the alias alias\/openkms\/evm-kms/);
    assert.ok(!(sol.stdout + sol.stderr + evm.stdout + evm.stderr + dup.stderr).includes(emulator.secretAccessKey));

    const list = await cli(['keys', 'list', '--config', config, '--backend', 'kms', '--json']);
    assert.equal(list.code, 0, list.stderr);
    const rows = JSON.parse(list.stdout) as Row[];
    assert.deepEqual(
      rows.map((r) => [r.key_id, r.curve]),
      [
        ['alias/openkms/evm-kms', 'secp256k1'],
        ['alias/openkms/sol-kms', 'ed25519'],
      ],
    );
    assert.equal(rows.find((r) => r.key_id === 'alias/openkms/sol-kms')!.addresses.solana, s.address);
    assert.equal(rows.find((r) => r.key_id === 'alias/openkms/evm-kms')!.addresses.evm, JSON.parse(evm.stdout).address);

    appendFileSync(config, `\n${s.config_snippet}\n`);
    const check = await cli(['config', 'check', '--config', config]);
    assert.equal(check.code, 0, check.stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await emulator.close();
  }
});

test('keys generate/list --backend on Vault transit (emulated): an ed25519 key under key_prefix; secp256k1 is refused', async () => {
  const emulator = await startVaultEmulator();
  const dir = mkdtempSync(join(tmpdir(), 'openkms-cloud-keys-'));
  try {
    writeFileSync(join(dir, 'token'), `${emulator.rootToken}\n`, { mode: 0o600 });
    const config = join(dir, 'config.toml');
    writeFileSync(config, `[backends.vault]\nkind = "vault"\naddress = "${emulator.url}"\ntoken_file = "token"\nkey_prefix = "openkms-"\n`);
    const gen = await cli(['keys', 'generate', '--config', config, '--backend', 'vault', '--label', 'sol-vault', '--chain', 'solana', '--json']);
    assert.equal(gen.code, 0, gen.stderr);
    const g = JSON.parse(gen.stdout);
    assert.equal(g.key_id, 'openkms-sol-vault');
    const evm = await cli(['keys', 'generate', '--config', config, '--backend', 'vault', '--label', 'evm-vault', '--chain', 'evm']);
    assert.notEqual(evm.code, 0);
    assert.match(evm.stderr, /ed25519 keys only/);
    assert.ok(!(gen.stdout + gen.stderr + evm.stderr).includes(emulator.rootToken));
    const list = await cli(['keys', 'list', '--config', config, '--backend', 'vault', '--json']);
    assert.equal(list.code, 0, list.stderr);
    const rows = JSON.parse(list.stdout) as Row[];
    assert.deepEqual(
      rows.map((r) => [r.key_id, r.curve, r.addresses.solana]),
      [['openkms-sol-vault', 'ed25519', g.address]],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await emulator.close();
  }
});
