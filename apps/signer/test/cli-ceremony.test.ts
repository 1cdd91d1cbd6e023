/**
 * The operator's path on the simulator through the `openkms` CLI (in-process `main`, the device behind a real
 * connector HTTP server on an ephemeral port): new-mnemonic → setup → provision/generate → sign → backup → reset →
 * setup → restore → sign, and the refusals and errors on the way, each with its exit code.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ed25519 } from '@noble/curves/ed25519.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { createHash } from 'node:crypto';
import { createSimulator, startConnectorServer, type ConnectorServer, type SimulatedYubiHsm } from '@openkms/yubihsm-sim';
import { CEREMONY_LAYOUT, YubiHsmClient } from '@openkms/yubihsm';
import { ceremonyAuthKey, ceremonySeed, deriveCeremonySecrets } from '@openkms/yubihsm/ceremony';
import { cli, freePort, type CliResult } from './support/cli-process.js';

let dir: string;
let sim: SimulatedYubiHsm;
let server: ConnectorServer;
let url: string;
const outputs: CliResult[] = [];

async function run(...args: string[]): Promise<CliResult> {
  const r = await cli(args);
  outputs.push(r);
  return r;
}
const json = (r: CliResult) => JSON.parse(r.stdout) as any;
function secretFile(name: string, content: string): string {
  const f = join(dir, name);
  writeFileSync(f, content, { mode: 0o600 });
  chmodSync(f, 0o600);
  return f;
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'openkms-ceremony-'));
  sim = createSimulator();
  server = await startConnectorServer(sim, { host: '127.0.0.1', port: 0 });
  url = server.url;
});
after(async () => {
  await server?.close();
  await sim?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Resets the device through the driver with the ceremony key (what an operator does with yubihsm-shell). */
async function resetDevice(mnemonic: string): Promise<void> {
  const client = new YubiHsmClient({ url });
  try {
    const s = await client.openSession(1, ceremonyAuthKey(deriveCeremonySecrets(ceremonySeed(mnemonic)).ceremonyPassword));
    await s.resetDevice();
  } finally {
    await client.close();
  }
}

/** Signs with the signer auth key 3 (its hex password file from setup) and checks the signatures. */
async function signAndVerify(signerPasswordHex: string, solanaId: number, cosmosId: number): Promise<void> {
  const client = new YubiHsmClient({ url });
  try {
    const s = await client.openSession(CEREMONY_LAYOUT.signer.id, { password: Buffer.from(signerPasswordHex.trim(), 'hex') });
    const msg = new TextEncoder().encode('openkms ceremony test');
    const sol = await s.getPublicKey(solanaId);
    assert.ok(ed25519.verify(await s.signEddsa(solanaId, msg), msg, sol.publicKey), 'valid Ed25519 signature');
    const k1 = await s.getPublicKey(cosmosId);
    const digest = new Uint8Array(createHash('sha256').update(msg).digest());
    const der = await s.signEcdsa(cosmosId, digest);
    assert.ok(secp256k1.verify(der, digest, Uint8Array.of(4, ...k1.publicKey), { prehash: false, format: 'der', lowS: false }), 'valid ECDSA signature');
    await s.close();
  } finally {
    await client.close();
  }
}

describe('openkms ceremony on the simulator', () => {
  let mnemonicFile: string;
  let mnemonic: string;
  let signerPasswordFile: string;
  let addresses: Record<string, string>;
  const dev = () => ['--connector', url, '--mnemonic-file', mnemonicFile];

  test('new-mnemonic: 24 words from device + host randomness, written 0600; --no-device; --json', async () => {
    mnemonicFile = join(dir, 'mnemonic.txt');
    const r = await run('new-mnemonic', '--connector', url, '--out', mnemonicFile);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(statSync(mnemonicFile).mode & 0o777, 0o600);
    mnemonic = readFileSync(mnemonicFile, 'utf8').trim();
    assert.equal(mnemonic.split(' ').length, 24);
    assert.ok(!r.stdout.includes(mnemonic) && !r.stderr.includes(mnemonic), 'the phrase is only in the file');
    assert.equal((await run('new-mnemonic', '--connector', url, '--out', mnemonicFile)).code, 5, 'an existing file is never overwritten');
    const j = await cli(['new-mnemonic', '--connector', url, '--json']);
    assert.equal(j.code, 0, j.stderr);
    assert.equal(json(j).entropy, 'device+host');
    assert.equal(json(j).mnemonic.split(' ').length, 24);
    assert.notEqual(json(j).mnemonic, mnemonic);
    const host = await cli(['new-mnemonic', '--no-device']);
    assert.equal(host.stdout.trim().split(' ').length, 24);
    const noDevice = await run('new-mnemonic', '--connector', `http://127.0.0.1:${await freePort()}`);
    assert.equal(noDevice.code, 3, noDevice.stderr);
    assert.match(noDevice.stderr, /no YubiHSM2 answers.*\[backend_unavailable, no_device\]/);
  });

  test('setup installs the layout, removes the factory key and writes the signer password 0600', async () => {
    signerPasswordFile = join(dir, 'signer-password.hex');
    const r = await run('setup', ...dev(), '--signer-password-out', signerPasswordFile, '--json');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(json(r), {
      action: 'installed',
      found: 'factory',
      reset: false,
      signing_keys_erased: 0,
      ceremony_auth_key_id: 1,
      provisioner_auth_key_id: 2,
      signer_auth_key_id: 3,
      wrap_key_id: 1,
      signer_password_file: signerPasswordFile,
    });
    assert.equal(statSync(signerPasswordFile).mode & 0o777, 0o600);
    assert.match(r.stderr, /installing auth keys 1/, 'progress lines on stderr');
    const client = new YubiHsmClient({ url });
    await assert.rejects(client.openSession(1, 'password'), 'the factory key is gone');
    await client.close();
    const noFactory = await run('new-mnemonic', '--connector', url);
    assert.equal(noFactory.code, 4, 'after setup the factory key is gone');
    assert.match(noFactory.stderr, /does not open with the factory password: the device is set up .*--auth-key-id 3.*authentication_failed/);
    const viaSigner = await cli([
      'new-mnemonic',
      '--connector',
      url,
      '--auth-key-id',
      '3',
      '--password-file',
      signerPasswordFile,
      '--password-encoding',
      'hex',
    ]);
    assert.equal(viaSigner.code, 0, viaSigner.stderr);
    assert.equal(viaSigner.stdout.trim().split(' ').length, 24, 'the signer key has get-pseudo-random');
    const again = await run('setup', ...dev());
    assert.equal(again.code, 0, 'a re-run on a set-up device without signing keys is a no-op');
    assert.match(again.stdout, /already set up from this mnemonic; nothing changed/);
  });

  test('keys provision (SLIP-10 / BIP-32 from the mnemonic) and keys generate (in the device), with config snippets', async () => {
    const sol = await run('keys', 'provision', ...dev(), '--label', 'solana-hot-0', '--chain', 'solana', '--object-id', '0x0101', '--json', '--config-snippet');
    assert.equal(sol.code, 0, sol.stderr);
    assert.equal(json(sol).derivation_path, "m/44'/501'/0'/0'");
    assert.match(json(sol).config_snippet, /^\[keys\.solana-hot-0\]\nchain = "solana"\nbackend = "yubihsm"\nkey_id = "0x0101"/);
    const atom = await run('keys', 'provision', ...dev(), '--label', 'cosmos-hub-0', '--chain', 'cosmos', '--object-id', '256', '--json');
    assert.equal(atom.code, 0, atom.stderr);
    const evm = await run('keys', 'provision', ...dev(), '--label', 'evm-hot-0', '--chain', 'evm', '--object-id', '0x0102');
    assert.equal(evm.code, 0, evm.stderr);
    assert.match(evm.stdout, /address: 0x[0-9a-fA-F]{40}/);
    const gen = await run('keys', 'generate', ...dev(), '--label', 'solana-gen', '--chain', 'solana', '--object-id', '0x0200', '--config-snippet');
    assert.equal(gen.code, 0, gen.stderr);
    assert.match(gen.stdout, /\[keys\.solana-gen\]/);
    addresses = { sol: json(sol).address, atom: json(atom).address };
    // the snippet is a valid key table of a config whose yubihsm backend logs in with the signer key from setup
    const config = join(dir, 'config.toml');
    writeFileSync(
      config,
      `[backends.yubihsm]\nkind = "yubihsm"\nconnectors = ["${url}"]\nauth_key_id = 3\npassword_file = "${signerPasswordFile}"\npassword_encoding = "hex"\nallow_simulated = true\n\n${json(sol).config_snippet}\n`,
    );
    const check = await run('config', 'check', '--config', config);
    assert.equal(check.code, 0, check.stderr);
    assert.match(addresses.atom!, /^cosmos1/);

    const exists = await run('keys', 'provision', ...dev(), '--label', 'dup', '--chain', 'solana', '--index', '1', '--object-id', '0x0101');
    assert.equal(exists.code, 5, exists.stderr);
    assert.match(exists.stderr, /already exists.*object_exists/);
  });

  test('keys list (device mode) shows label, chain, address, object id, algorithm, origin; keys address', async () => {
    const r = await run('keys', 'list', ...dev(), '--json');
    assert.equal(r.code, 0, r.stderr);
    const rows = json(r) as any[];
    assert.deepEqual(
      rows.map((k) => [k.object_id, k.label, k.chain, k.algorithm, k.origin]),
      [
        ['0x0100', 'cosmos-hub-0', 'cosmos', 'eck256', 'imported'],
        ['0x0101', 'solana-hot-0', 'solana', 'ed25519', 'imported'],
        ['0x0102', 'evm-hot-0', 'evm', 'eck256', 'imported'],
        ['0x0200', 'solana-gen', 'solana', 'ed25519', 'generated'],
      ],
    );
    assert.equal(rows[1].address, addresses.sol);
    const table = await run('keys', 'list', '--connector', url, '--password-file', signerPasswordFile, '--password-encoding', 'hex', '--auth-key-id', '3');
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, /LABEL\s+CHAIN\s+ADDRESS\s+OBJECT ID\s+ALGORITHM\s+ORIGIN/);
    assert.match(table.stdout, /solana-gen\s+solana\s+\S+\s+0x0200\s+ed25519\s+generated/);
    const addr = await run('keys', 'address', ...dev(), '--label', 'cosmos-hub-0');
    assert.equal(addr.stdout.trim(), addresses.atom);
    const osmo = await run('keys', 'address', ...dev(), '--object-id', '0x0100', '--bech32-prefix', 'osmo');
    assert.match(osmo.stdout.trim(), /^osmo1/);
  });

  test('re-running setup on a provisioned device refuses without --force (exit 5)', async () => {
    const r = await run('setup', ...dev());
    assert.equal(r.code, 5, r.stderr);
    assert.match(r.stderr, /holds 4 signing key\(s\).*--force.*\[conflict, device_not_empty\]/);
  });

  test('the signer auth key cannot export, delete or reset (the simulator enforces capabilities)', async () => {
    const client = new YubiHsmClient({ url });
    const s = await client.openSession(3, { password: Buffer.from(readFileSync(signerPasswordFile, 'utf8').trim(), 'hex') });
    for (const attempt of [() => s.exportWrapped(1, 'asymmetric-key', 0x0101), () => s.deleteObject(0x0101, 'asymmetric-key'), () => s.resetDevice()])
      await assert.rejects(
        attempt(),
        (e: any) => e.codeName === 'INSUFFICIENT_PERMISSIONS' || e.deviceError === 'INSUFFICIENT_PERMISSIONS',
        'refused by capability',
      );
    await s.close().catch(() => undefined);
    const p = await client.openSession(3, { password: Buffer.from(readFileSync(signerPasswordFile, 'utf8').trim(), 'hex') });
    assert.equal((await p.getPublicKey(0x0101)).publicKey.length, 32, 'the keys are still there');
    await p.close();
    await client.close();
  });

  test('wrong mnemonic, wrong password and no device give their errors and exit codes; no secret in any output', async () => {
    const other = secretFile('other.txt', 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about\n');
    const wrong = await run('keys', 'list', '--connector', url, '--mnemonic-file', other);
    assert.equal(wrong.code, 4, wrong.stderr);
    assert.match(wrong.stderr, /not derived from this mnemonic.*wrong_mnemonic/);
    const wrongSetup = await run('setup', '--connector', url, '--mnemonic-file', other);
    assert.equal(wrongSetup.code, 4, wrongSetup.stderr);
    assert.match(wrongSetup.stderr, /not in its factory state.*wrong_mnemonic/);
    const pw = secretFile('wrong-password', 'not-the-password\n');
    const badPw = await run('keys', 'list', '--connector', url, '--password-file', pw, '--auth-key-id', '3');
    assert.equal(badPw.code, 4, badPw.stderr);
    assert.match(badPw.stderr, /rejected the password.*authentication_failed/);
    const noDevice = await run('keys', 'list', '--connector', `http://127.0.0.1:${await freePort()}`, '--mnemonic-file', mnemonicFile);
    assert.equal(noDevice.code, 3, noDevice.stderr);
    const loose = secretFile('loose.txt', mnemonic);
    chmodSync(loose, 0o644);
    const insecure = await run('setup', '--connector', url, '--mnemonic-file', loose);
    assert.equal(insecure.code, 1);
    assert.match(insecure.stderr, /mode 0644; it must be 0600/);
    const bad = secretFile('bad.txt', mnemonic.replace(/\w+$/, 'zoo zoo'));
    assert.equal((await run('setup', '--connector', url, '--mnemonic-file', bad)).code, 1, 'an invalid phrase is a config error');
  });

  let backupFile: string;
  let originalFile: string;
  test('backup writes a versioned, checksummed bundle (0600) and the original format on request', async () => {
    backupFile = join(dir, 'backup.json');
    const r = await run('backup', ...dev(), '--out', backupFile);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(statSync(backupFile).mode & 0o777, 0o600);
    const b = JSON.parse(readFileSync(backupFile, 'utf8'));
    assert.equal(b.format, 'openkms-backup');
    assert.equal(b.version, 1);
    assert.match(b.checksum, /^sha256:[0-9a-f]{64}$/);
    assert.deepEqual(
      b.keys.map((k: any) => k.object_id),
      [0x100, 0x101, 0x102, 0x200],
    );
    assert.equal((await run('backup', ...dev(), '--out', backupFile)).code, 5, 'never overwritten without --force');
    originalFile = join(dir, 'original.json');
    assert.equal((await run('backup', ...dev(), '--out', originalFile, '--format', 'original')).code, 0);
    const o = JSON.parse(readFileSync(originalFile, 'utf8'));
    assert.ok(Array.isArray(o));
    assert.deepEqual(Object.keys(o[0]).sort(), ['ciphertext', 'nonce', 'object_id']);
    const tampered = secretFile('tampered.json', JSON.stringify({ ...b, keys: b.keys.slice(1) }));
    const t = await run('restore', ...dev(), '--in', tampered);
    assert.equal(t.code, 6, t.stderr);
    assert.match(t.stderr, /checksum does not match/);
  });

  test('reset → setup → restore → sign: the same addresses and valid signatures', async () => {
    await resetDevice(mnemonic);
    const gone = await run('keys', 'list', ...dev());
    assert.equal(gone.code, 4, 'after the reset the device has only the factory key');
    assert.equal((await run('setup', ...dev())).code, 0);
    const r = await run('restore', ...dev(), '--in', backupFile, '--json');
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(
      json(r).keys.map((k: any) => [k.object_id, k.status, k.verified]),
      [
        ['0x0100', 'restored', true],
        ['0x0101', 'restored', true],
        ['0x0102', 'restored', true],
        ['0x0200', 'restored', true],
      ],
    );
    const again = await run('restore', ...dev(), '--in', backupFile, '--json');
    assert.equal(again.code, 0, 'a restore can be re-run');
    assert.ok(json(again).keys.every((k: any) => k.status === 'present'));
    const list = json(await run('keys', 'list', ...dev(), '--json')) as any[];
    assert.equal(list.find((k) => k.object_id === '0x0101').address, addresses.sol);
    assert.equal(list.find((k) => k.object_id === '0x0100').address, addresses.atom);
    assert.equal(list.find((k) => k.object_id === '0x0200').origin, 'generated', 'a generated key survives the backup');
    assert.ok(list.every((k) => k.restored_from_wrap));
    await signAndVerify(readFileSync(signerPasswordFile, 'utf8'), 0x0101, 0x0100);
    await signAndVerify(readFileSync(signerPasswordFile, 'utf8'), 0x0200, 0x0102);
  });

  test("an original-format backup restores; setup --force resets a provisioned device; a foreign device's backup is refused", async () => {
    const forced = await run('setup', ...dev(), '--force', '--json');
    assert.equal(forced.code, 0, forced.stderr);
    assert.deepEqual([json(forced).reset, json(forced).signing_keys_erased], [true, 4]);
    assert.equal((json(await run('keys', 'list', ...dev(), '--json')) as any[]).length, 0);
    const r = await run('restore', ...dev(), '--in', originalFile);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /restored 4 of 4 key\(s\) .*\(original format\)/);
    const list = json(await run('keys', 'list', ...dev(), '--json')) as any[];
    assert.equal(list.find((k) => k.object_id === '0x0101').address, addresses.sol);
    await signAndVerify(readFileSync(signerPasswordFile, 'utf8'), 0x0101, 0x0100);

    // another mnemonic's device cannot unwrap these keys
    await resetDevice(mnemonic);
    const other = secretFile('other2.txt', 'legal winner thank year wave sausage worth useful legal winner thank yellow\n');
    assert.equal((await run('setup', '--connector', url, '--mnemonic-file', other)).code, 0);
    const foreign = await run('restore', '--connector', url, '--mnemonic-file', other, '--in', backupFile);
    assert.equal(foreign.code, 4, foreign.stderr);
    assert.match(foreign.stderr, /wrapped under another wrap key/);
  });

  test('no mnemonic or derived password appears in any output but new-mnemonic --json', () => {
    const secrets = deriveCeremonySecrets(ceremonySeed(mnemonic));
    const hexes = Object.values(secrets).map((b: Uint8Array) => Buffer.from(b).toString('hex'));
    for (const o of outputs) {
      for (const text of [o.stdout, o.stderr]) {
        assert.ok(!text.includes(mnemonic.split(' ').slice(0, 4).join(' ')), 'no mnemonic');
        for (const h of hexes) assert.ok(!text.includes(h), 'no derived secret');
      }
    }
  });
});

test('a BIP-39 passphrase changes every derived credential and key: the same as cosmjs with bip39Password; without it: wrong mnemonic', async () => {
  const sim2 = createSimulator();
  const server2 = await startConnectorServer(sim2, { host: '127.0.0.1', port: 0 });
  try {
    const phrase = 'legal winner thank year wave sausage worth useful legal winner thank yellow';
    const m = secretFile('pass-mnemonic.txt', phrase + '\n');
    const p = secretFile('passphrase.txt', '  correct horse battery staple\n');
    const withPass = ['--connector', server2.url, '--mnemonic-file', m, '--passphrase-file', p];
    assert.equal((await run('setup', ...withPass)).code, 0);
    const r = await run('keys', 'provision', ...withPass, '--label', 'cosmos-pass', '--chain', 'cosmos', '--index', '2', '--json');
    assert.equal(r.code, 0, r.stderr);
    const { DirectSecp256k1HdWallet } = await import('@cosmjs/proto-signing');
    const { makeCosmoshubPath } = await import('@cosmjs/amino');
    // the passphrase file is trimmed, as the original openKMS reads it
    const wallet = await DirectSecp256k1HdWallet.fromMnemonic(phrase, { hdPaths: [makeCosmoshubPath(2)], bip39Password: 'correct horse battery staple' });
    assert.equal(json(r).address, (await wallet.getAccounts())[0]!.address);
    const without = await run('keys', 'list', '--connector', server2.url, '--mnemonic-file', m);
    assert.equal(without.code, 4, without.stderr);
    assert.match(without.stderr, /wrong mnemonic or passphrase/);
  } finally {
    await server2.close();
    await sim2.close();
  }
});
