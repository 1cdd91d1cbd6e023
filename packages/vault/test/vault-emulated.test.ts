// Vault backend against the local emulator of Vault's HTTP API (tooling/kms-emulators), over HTTPS with a throw-away
// CA (ca_file). The emulator holds real ed25519 keys, so every signature is checked for real.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ed25519 } from '@noble/curves/ed25519.js';
import { isOpenKmsError, type KeyBackend, type KeyBackendEvent } from '@openkms/core';
import { createSelfSignedCert, hasOpenssl, startVaultEmulator, type VaultEmulator } from '@openkms/tooling/kms-emulators';
import vaultPlugin, { type VaultOptions } from '../src/index.js';

const skip = hasOpenssl() ? false : 'the openssl CLI is needed to make the emulator a TLS certificate';

describe('vault backend (emulated Vault, transit)', { skip }, () => {
  let emulator: VaultEmulator;
  let dir: string;
  let solKey: Uint8Array;
  const events: KeyBackendEvent[] = [];

  const make = async (extra: Partial<VaultOptions> = {}, auth: 'token' | 'approle' = 'token'): Promise<KeyBackend> =>
    vaultPlugin.create(
      {
        address: emulator.url,
        ca_file: 'ca.pem',
        ...(auth === 'token' ? { token_file: 'token' } : { approle: { role_id: emulator.roleId, secret_id_file: 'secret-id' } }),
        timeout_ms: 20000,
        ...extra,
      },
      { name: 'vault', configDir: dir, log: () => undefined, onEvent: (e) => events.push(e) },
    );

  const noSecretIn = (err: unknown): void => {
    const text = JSON.stringify(err) + String((err as Error).message) + String((err as Error).stack);
    assert.ok(!text.includes(emulator.rootToken));
    assert.ok(!text.includes(emulator.secretId));
    assert.ok(!text.includes('hvs.'));
  };

  before(async () => {
    const tls = createSelfSignedCert();
    emulator = await startVaultEmulator({ tls });
    dir = await mkdtemp(join(tmpdir(), 'openkms-vault-'));
    await writeFile(join(dir, 'ca.pem'), tls.cert);
    await writeFile(join(dir, 'token'), `${emulator.rootToken}\n`, { mode: 0o600 });
    await writeFile(join(dir, 'secret-id'), emulator.secretId, { mode: 0o600 });
    await writeFile(join(dir, 'bad-token'), 'hvs.not-a-valid-token', { mode: 0o600 });
    await writeFile(join(dir, 'open-token'), emulator.rootToken, { mode: 0o644 });
    solKey = emulator.addTransitKey('openkms-sol-hot');
    emulator.addTransitKey('openkms-sol-cold');
    emulator.addTransitKey('other-team');
    emulator.addTransitKey('openkms-aes', 'aes256-gcm96');
  });
  after(async () => {
    await emulator?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('is a backend plugin: kind, curves, a closed options schema, declared in package.json', async () => {
    assert.equal(vaultPlugin.apiVersion, 1);
    assert.equal(vaultPlugin.kind, 'vault');
    assert.deepEqual(vaultPlugin.curves, ['ed25519']);
    assert.equal(vaultPlugin.optionsSchema.additionalProperties, false);
    const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as { openkms: unknown };
    assert.deepEqual(pkg.openkms, { plugin: 'backend', apiVersion: 1, kind: 'vault' });
  });

  it('signs ed25519 through transit (token auth over HTTPS with ca_file); the signature verifies', async () => {
    const backend = await make();
    const message = new TextEncoder().encode('a solana message');
    const signature = await backend.signEd25519({ id: 'openkms-sol-hot' }, message);
    assert.ok(ed25519.verify(signature, message, solKey));
    assert.deepEqual(await backend.getPublicKey({ id: 'openkms-sol-hot' }), solKey);
    await assert.rejects(backend.signSecp256k1({ id: 'openkms-sol-hot' }, new Uint8Array(32)), { code: 'invalid_request' });
    await assert.rejects(backend.getPublicKey({ id: 'missing' }), { code: 'key_not_found' });
    await assert.rejects(backend.getPublicKey({ id: '../sys/seal' }), { code: 'invalid_request' });
    await assert.rejects(backend.signEd25519({ id: '..' }, new Uint8Array([1])), { code: 'invalid_request' });
    assert.equal((await backend.health()).up, true);
    await backend.close();
  });

  it('keeps signing with the key version it discovered after the key is rotated (the public key is the identity)', async () => {
    const backend = await make();
    const before = await backend.getPublicKey({ id: 'openkms-sol-cold' });
    emulator.rotate('openkms-sol-cold');
    const message = new Uint8Array([9, 9, 9]);
    const signature = await backend.signEd25519({ id: 'openkms-sol-cold' }, message);
    assert.ok(ed25519.verify(signature, message, before));
    await backend.close();
  });

  it('discovers ed25519 transit keys by name, skipping other key types; key_prefix narrows it', async () => {
    const all = await make();
    assert.deepEqual(
      (await all.listKeys()).map((k) => [k.id, k.curve]),
      [
        ['openkms-sol-cold', 'ed25519'],
        ['openkms-sol-hot', 'ed25519'],
        ['other-team', 'ed25519'],
      ],
    );
    await all.close();
    const mine = await make({ key_prefix: 'openkms-sol-h' });
    const keys = await mine.listKeys();
    assert.deepEqual(
      keys.map((k) => k.id),
      ['openkms-sol-hot'],
    );
    assert.deepEqual(keys[0]?.publicKey, solKey);
    await mine.close();
    const empty = await make({ transit_mount: 'transit-empty' });
    assert.deepEqual(await empty.listKeys(), []);
    await empty.close();
  });

  it('AppRole: logs in with role id + secret id file, and logs in again when the token is revoked', async () => {
    const backend = await make({}, 'approle');
    const message = new Uint8Array([1]);
    assert.ok(ed25519.verify(await backend.signEd25519({ id: 'openkms-sol-hot' }, message), message, solKey));
    const logins = () => emulator.requests.filter((r) => r.path === '/v1/auth/approle/login').length;
    const before = logins();
    emulator.revokeTokens();
    assert.ok(ed25519.verify(await backend.signEd25519({ id: 'openkms-sol-hot' }, message), message, solKey));
    assert.equal(logins(), before + 1);
    await backend.close();
  });

  it('refused credentials → backend_error naming no token or secret id', async () => {
    const badToken = await make({ token_file: 'bad-token' });
    await assert.rejects(badToken.signEd25519({ id: 'openkms-sol-hot' }, new Uint8Array([1])), (err) => {
      assert.ok(isOpenKmsError(err));
      assert.equal(err.code, 'backend_error');
      assert.equal(err.context.vault_status, 403);
      noSecretIn(err);
      return true;
    });
    await badToken.close();
    await writeFile(join(dir, 'bad-secret-id'), 'wrong-secret-id', { mode: 0o600 });
    const badApprole = await make({ approle: { role_id: emulator.roleId, secret_id_file: 'bad-secret-id' } }, 'approle');
    await assert.rejects(badApprole.getPublicKey({ id: 'openkms-sol-hot' }), (err) => {
      assert.ok(isOpenKmsError(err));
      assert.equal(err.code, 'backend_error');
      assert.equal(err.context.failed_step, 'approle_login');
      noSecretIn(err);
      return true;
    });
    await badApprole.close();
  });

  it('a token file readable by others is refused at start-up (insecure_file)', async () => {
    await assert.rejects(
      async () => make({ token_file: 'open-token' }),
      (err) => {
        assert.ok(isOpenKmsError(err));
        assert.equal(err.code, 'insecure_file');
        noSecretIn(err);
        return true;
      },
    );
  });

  it('sends the namespace header', async () => {
    emulator.namespace = 'team-a';
    try {
      const wrong = await make();
      await assert.rejects(wrong.getPublicKey({ id: 'openkms-sol-hot' }), { code: 'backend_error' });
      await wrong.close();
      const right = await make({ namespace: 'team-a' });
      assert.deepEqual(await right.getPublicKey({ id: 'openkms-sol-hot' }), solKey);
      await right.close();
    } finally {
      emulator.namespace = undefined;
    }
  });

  it('retries 429 with backoff and then succeeds; persistent 429 or a sealed Vault → backend_unavailable', async () => {
    const backend = await make({ max_attempts: 3 });
    await backend.getPublicKey({ id: 'openkms-sol-hot' });
    events.length = 0;
    emulator.faults.throttle = 2;
    await backend.signEd25519({ id: 'openkms-sol-hot' }, new Uint8Array([2]));
    assert.equal(events.filter((e) => e.type === 'retry' && e.error === 'http_429').length, 2);
    emulator.faults.throttle = 100;
    await assert.rejects(backend.signEd25519({ id: 'openkms-sol-hot' }, new Uint8Array([2])), (err) => {
      assert.ok(isOpenKmsError(err));
      assert.equal(err.code, 'backend_unavailable');
      assert.equal(err.context.vault_status, 429);
      return true;
    });
    emulator.faults.throttle = 0;
    emulator.sealed = true;
    try {
      await assert.rejects(backend.signEd25519({ id: 'openkms-sol-hot' }, new Uint8Array([2])), { code: 'backend_unavailable' });
      assert.equal((await backend.health()).up, false);
    } finally {
      emulator.sealed = false;
    }
    await backend.close();
  });

  it('a hanging Vault → backend_timeout within timeout_ms', async () => {
    const backend = await make({ timeout_ms: 400 });
    emulator.faults.hang = true;
    try {
      await assert.rejects(backend.signEd25519({ id: 'openkms-sol-hot' }, new Uint8Array([3])), { code: 'backend_timeout' });
    } finally {
      emulator.faults.hang = false;
      await backend.close();
    }
  });

  it('a signature that does not verify is never returned', async () => {
    const backend = await make();
    emulator.wrongSignature = true;
    try {
      await assert.rejects(backend.signEd25519({ id: 'openkms-sol-hot' }, new Uint8Array([4])), { code: 'signature_verification_failed' });
    } finally {
      emulator.wrongSignature = false;
      await backend.close();
    }
  });
  it('generateKey: creates an ed25519 transit key under key_prefix that discovery lists and that signs; a taken name is refused', async () => {
    const backend = await make({ key_prefix: 'openkms-' });
    assert.ok(backend.generateKey);
    const created = await backend.generateKey({ curve: 'ed25519', label: 'sol-generated' });
    assert.equal(created.id, 'openkms-sol-generated');
    assert.equal(created.curve, 'ed25519');
    assert.equal(created.publicKey.length, 32);
    const listed = (await backend.listKeys()).find((k) => k.id === created.id);
    assert.deepEqual(listed?.publicKey, created.publicKey);
    const message = new TextEncoder().encode('signed by a generated key');
    assert.ok(ed25519.verify(await backend.signEd25519({ id: created.id }, message), message, created.publicKey));
    const creates = emulator.requests.filter((r) => r.operation === 'POST /v1/transit/keys/openkms-sol-generated');
    assert.equal(creates.length, 1);
    await assert.rejects(backend.generateKey({ curve: 'ed25519', label: 'sol-generated' }), (err) => {
      assert.ok(isOpenKmsError(err));
      assert.equal(err.code, 'conflict');
      assert.match(err.message, /already holds a key named openkms-sol-generated/);
      return true;
    });
    await assert.rejects(backend.generateKey({ curve: 'ed25519', label: 'sol-hot' }), { code: 'conflict' }); // made elsewhere
    assert.deepEqual(await backend.getPublicKey({ id: created.id }), created.publicKey); // the taken key was not replaced
    await assert.rejects(backend.generateKey({ curve: 'secp256k1', label: 'evm' }), { code: 'invalid_request' });
    await assert.rejects(backend.generateKey({ curve: 'ed25519', label: '../x' }), { code: 'invalid_request' });
    await backend.close();
  });
});
