// Azure Key Vault backend against the local HTTPS emulator of the Key Vault keys REST API (tooling/kms-emulators),
// through the official @azure/keyvault-keys client (challenge auth included). The emulator holds real secp256k1
// keys, so every signature is checked for real. The test trusts the emulator's throw-away certificate through a
// pipeline policy and hands out the emulator's token through a TokenCredential.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Agent } from 'node:https';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import type { TokenCredential } from '@azure/core-auth';
import { isOpenKmsError, type KeyBackendEvent } from '@openkms/core';
import { createSelfSignedCert, hasOpenssl, startAzureKeyVaultEmulator, type AzureKeyVaultEmulator } from '@openkms/tooling/kms-emulators';
import azureKeyVaultPlugin, { createAzureKeyVaultBackend, type AzureKeyVaultBackend, type AzureKeyVaultOptions } from '../src/index.js';

const skip = hasOpenssl() ? false : 'the openssl CLI is needed to make the emulator a TLS certificate';
const compressed = (uncompressed: Uint8Array): Uint8Array => secp256k1.Point.fromBytes(uncompressed).toBytes(true);

describe('azure-key-vault backend (emulated Key Vault)', { skip }, () => {
  let emulator: AzureKeyVaultEmulator;
  let agent: Agent;
  let dir: string;
  let hot: Uint8Array;
  let tokenRequests = 0;
  let tlsCert = '';
  const events: KeyBackendEvent[] = [];

  const credential: TokenCredential = {
    async getToken() {
      tokenRequests++;
      return { token: emulator.accessToken, expiresOnTimestamp: Date.now() + 3_600_000 };
    },
  };
  const make = (extra: Partial<AzureKeyVaultOptions> = {}, cred: TokenCredential = credential): AzureKeyVaultBackend =>
    createAzureKeyVaultBackend(
      { vault_url: emulator.url, timeout_ms: 20000, ...extra },
      { name: 'akv', configDir: dir, log: () => undefined, onEvent: (e) => events.push(e) },
      {
        credential: cred,
        disableChallengeResourceVerification: true,
        retryBaseDelayMs: 20,
        additionalPolicies: [
          {
            position: 'perCall',
            policy: {
              name: 'test-trust-emulator-ca',
              sendRequest: (request, next) => {
                request.agent = agent;
                return next(request);
              },
            },
          },
        ],
      },
    );

  before(async () => {
    const tls = createSelfSignedCert();
    tlsCert = tls.cert;
    emulator = await startAzureKeyVaultEmulator(tls);
    agent = new Agent({ ca: tls.cert, keepAlive: false });
    dir = await mkdtemp(join(tmpdir(), 'openkms-akv-'));
    hot = emulator.addKey('evm-hot', { tags: { openkms: 'evm-hot-wallet' } });
    emulator.addKey('cosmos-hot', { tags: { openkms: '' } });
    emulator.addKey('untagged');
    emulator.addKey('p256', { crv: 'P-256', tags: { openkms: 'x' } });
    emulator.addKey('disabled', { tags: { openkms: 'x' }, enabled: false });
  });
  after(async () => {
    agent?.destroy();
    await emulator?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('is a backend plugin: kind, curves (secp256k1 only), a closed options schema, declared in package.json', async () => {
    assert.equal(azureKeyVaultPlugin.apiVersion, 1);
    assert.equal(azureKeyVaultPlugin.kind, 'azure-key-vault');
    assert.deepEqual(azureKeyVaultPlugin.curves, ['secp256k1']);
    assert.equal(azureKeyVaultPlugin.optionsSchema.additionalProperties, false);
    const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as { openkms: unknown };
    assert.deepEqual(pkg.openkms, { plugin: 'backend', apiVersion: 1, kind: 'azure-key-vault' });
  });

  it('signs a secp256k1 digest (ES256K, raw r‖s with high S) → compact low-S with the right recovery id', async () => {
    const backend = make();
    emulator.highS = true;
    try {
      for (let i = 0; i < 3; i++) {
        const digest = secp256k1.utils.randomSecretKey();
        const { signature, recovery } = await backend.signSecp256k1({ id: 'evm-hot' }, digest);
        const sig = secp256k1.Signature.fromBytes(signature, 'compact');
        assert.equal(sig.hasHighS(), false);
        assert.ok(secp256k1.verify(signature, digest, hot, { prehash: false, lowS: true }));
        assert.deepEqual(sig.addRecoveryBit(recovery).recoverPublicKey(digest).toBytes(true), compressed(hot));
      }
    } finally {
      emulator.highS = false;
    }
    assert.ok(emulator.requests.some((r) => r.method === 'POST' && r.path.endsWith('/sign')));
    assert.deepEqual(await backend.getPublicKey({ id: 'evm-hot' }), compressed(hot));
    await assert.rejects(backend.signEd25519({ id: 'evm-hot' }, new Uint8Array([1])), { code: 'invalid_request' });
    await assert.rejects(backend.getPublicKey({ id: 'nope' }), { code: 'key_not_found' });
    await assert.rejects(backend.getPublicKey({ id: 'p256' }), { code: 'key_not_found' });
    await assert.rejects(backend.getPublicKey({ id: 'disabled' }), { code: 'backend_error' });
    await assert.rejects(backend.getPublicKey({ id: '../secrets/x' }), { code: 'invalid_request' });
    assert.equal((await backend.health()).up, true);
    await backend.close();
  });

  it('discovers keys by tag (P-256K, enabled); tag_value narrows it', async () => {
    const backend = make();
    const keys = await backend.listKeys();
    assert.deepEqual(
      keys.map((k) => [k.id, k.curve, k.backendLabel]),
      [
        ['cosmos-hot', 'secp256k1', 'cosmos-hot'],
        ['evm-hot', 'secp256k1', 'evm-hot-wallet'],
      ],
    );
    assert.deepEqual(keys.find((k) => k.id === 'evm-hot')?.publicKey, compressed(hot));
    await backend.close();
    const narrowed = make({ tag_value: 'evm-hot-wallet' });
    assert.deepEqual(
      (await narrowed.listKeys()).map((k) => k.id),
      ['evm-hot'],
    );
    await narrowed.close();
  });

  it('retries 429 (Retry-After) and then succeeds; persistent 429 or 503 → backend_unavailable', async () => {
    const backend = make({ max_attempts: 3 });
    await backend.getPublicKey({ id: 'evm-hot' });
    events.length = 0;
    emulator.faults.throttle = 2;
    await backend.signSecp256k1({ id: 'evm-hot' }, new Uint8Array(32).fill(1));
    assert.equal(events.filter((e) => e.type === 'retry' && e.error === 'http_429').length, 2);
    emulator.faults.throttle = 100;
    await assert.rejects(backend.signSecp256k1({ id: 'evm-hot' }, new Uint8Array(32).fill(1)), (err) => {
      assert.ok(isOpenKmsError(err));
      assert.equal(err.code, 'backend_unavailable');
      assert.equal(err.context.http_status, 429);
      return true;
    });
    emulator.faults.throttle = 0;
    emulator.faults.unavailable = 100;
    await assert.rejects(backend.signSecp256k1({ id: 'evm-hot' }, new Uint8Array(32).fill(1)), { code: 'backend_unavailable' });
    emulator.faults.unavailable = 0;
    await backend.close();
  });

  it('no permission (403) or a credential that cannot get a token → backend_error naming no secret', async () => {
    const backend = make();
    await backend.getPublicKey({ id: 'evm-hot' });
    emulator.forbidden = true;
    try {
      await assert.rejects(backend.signSecp256k1({ id: 'evm-hot' }, new Uint8Array(32).fill(2)), (err) => {
        assert.ok(isOpenKmsError(err));
        assert.equal(err.code, 'backend_error');
        assert.equal(err.context.http_status, 403);
        assert.ok(!(JSON.stringify(err) + String((err as Error).stack)).includes(emulator.accessToken));
        return true;
      });
    } finally {
      emulator.forbidden = false;
      await backend.close();
    }
    const failing: TokenCredential = {
      async getToken() {
        const e = new Error('client secret s3cr3t-value rejected');
        e.name = 'AuthenticationError';
        throw e;
      },
    };
    const noToken = make({}, failing);
    await assert.rejects(noToken.getPublicKey({ id: 'evm-hot' }), (err) => {
      assert.ok(isOpenKmsError(err));
      assert.equal(err.code, 'backend_error');
      assert.ok(!(JSON.stringify(err) + String((err as Error).message)).includes('s3cr3t'));
      return true;
    });
    await noToken.close();
  });

  it('a client secret file readable by others is refused at start-up; the config path builds a credential', async () => {
    await writeFile(join(dir, 'open-secret'), 'a-client-secret', { mode: 0o644 });
    await writeFile(join(dir, 'secret'), 'a-client-secret', { mode: 0o600 });
    const ctx = { name: 'akv', configDir: dir, log: () => undefined };
    await assert.rejects(
      async () => azureKeyVaultPlugin.create({ vault_url: emulator.url, tenant_id: 't', client_id: 'c', client_secret_file: 'open-secret' }, ctx),
      (err) => {
        assert.ok(isOpenKmsError(err));
        assert.equal(err.code, 'insecure_file');
        assert.ok(!JSON.stringify(err).includes('a-client-secret'));
        return true;
      },
    );
    const backend = await azureKeyVaultPlugin.create({ vault_url: emulator.url, tenant_id: 't', client_id: 'c', client_secret_file: 'secret' }, ctx);
    assert.equal(backend.kind, 'azure-key-vault');
    await backend.close();
  });

  it('the config path (client_secret_file, authority_host) gets a token from Entra ID and signs; a wrong secret → backend_error without it', async () => {
    await writeFile(join(dir, 'ca.pem'), tlsCert);
    await writeFile(join(dir, 'client-secret'), emulator.clientSecret, { mode: 0o600 });
    await writeFile(join(dir, 'wrong-client-secret'), 'not-the-client-secret-value', { mode: 0o600 });
    const run = async (secretFile: string): Promise<{ stdout: string; stderr: string }> =>
      promisify(execFile)(
        process.execPath,
        [
          '--conditions=source',
          '--import',
          'tsx',
          new URL('./fixtures/sign-through-config.ts', import.meta.url).pathname,
          JSON.stringify({
            options: {
              vault_url: emulator.url,
              tenant_id: emulator.tenantId,
              client_id: emulator.clientId,
              client_secret_file: secretFile,
              authority_host: emulator.url,
              disable_instance_discovery: true,
              timeout_ms: 20000,
            },
            configDir: dir,
            keyName: 'evm-hot',
            digestHex: '11'.repeat(32),
          }),
        ],
        { env: { ...process.env, NODE_EXTRA_CA_CERTS: join(dir, 'ca.pem') }, timeout: 60_000 },
      );
    const grantsBefore = emulator.tokenGrants;
    const good = await run('client-secret');
    const result = JSON.parse(good.stdout.trim().split('\n').pop() ?? '{}') as { ok: boolean; signature: string; recovery: 0 | 1; publicKey: string };
    assert.equal(result.ok, true, good.stdout);
    const digest = new Uint8Array(32).fill(0x11);
    assert.ok(secp256k1.verify(Buffer.from(result.signature, 'hex'), digest, compressed(hot), { prehash: false, lowS: true }));
    assert.equal(result.publicKey, Buffer.from(compressed(hot)).toString('hex'));
    assert.equal(emulator.tokenGrants, grantsBefore + 1);

    const bad = await run('wrong-client-secret');
    const failure = JSON.parse(bad.stdout.trim().split('\n').pop() ?? '{}') as { ok: boolean; error: { code: string } };
    assert.equal(failure.ok, false);
    assert.equal(failure.error.code, 'backend_error');
    assert.ok(!(bad.stdout + bad.stderr).includes('not-the-client-secret-value'));
    assert.ok(!(good.stdout + good.stderr + bad.stdout + bad.stderr).includes(emulator.clientSecret));
  });

  it('a hanging vault → backend_timeout within timeout_ms; health says down', async () => {
    const backend = make({ timeout_ms: 400 });
    emulator.faults.hang = true;
    try {
      await assert.rejects(backend.signSecp256k1({ id: 'evm-hot' }, new Uint8Array(32).fill(5)), { code: 'backend_timeout' });
      assert.equal((await backend.health()).up, false);
    } finally {
      emulator.faults.hang = false;
      await backend.close();
    }
  });

  it('a signature that does not verify is never returned', async () => {
    const backend = make();
    emulator.wrongSignature = true;
    try {
      await assert.rejects(backend.signSecp256k1({ id: 'evm-hot' }, new Uint8Array(32).fill(6)), { code: 'signature_verification_failed' });
    } finally {
      emulator.wrongSignature = false;
      await backend.close();
    }
    assert.ok(tokenRequests > 0);
  });
  it('generateKey: creates a tagged EC P-256K sign/verify key that discovery lists and that signs; a taken name is refused', async () => {
    const backend = make();
    const created = await backend.generateKey({ curve: 'secp256k1', label: 'evm-generated' });
    assert.equal(created.id, 'evm-generated');
    assert.equal(created.curve, 'secp256k1');
    assert.equal(created.backendLabel, 'evm-generated');
    assert.equal(created.publicKey.length, 33);
    const creates = emulator.requests.filter((r) => r.operation === 'POST /keys/evm-generated/create');
    assert.equal(creates.length, 1);
    const fresh = make(); // a new backend discovers it by its tag
    const listed = (await fresh.listKeys()).find((k) => k.id === created.id);
    assert.deepEqual(listed?.publicKey, created.publicKey);
    const digest = new Uint8Array(32).fill(9);
    const { signature } = await fresh.signSecp256k1({ id: created.id }, digest);
    assert.ok(secp256k1.verify(signature, digest, created.publicKey, { prehash: false, lowS: true }));
    await fresh.close();
    await assert.rejects(backend.generateKey({ curve: 'secp256k1', label: 'evm-generated' }), (err) => {
      assert.ok(isOpenKmsError(err));
      assert.equal(err.code, 'conflict');
      assert.match(err.message, /already holds a key named evm-generated/);
      return true;
    });
    await assert.rejects(backend.generateKey({ curve: 'secp256k1', label: 'untagged' }), { code: 'conflict' }); // made elsewhere
    assert.equal(emulator.requests.filter((r) => r.operation?.endsWith('/create')).length, 1); // no new version of a taken name
    emulator.deletedNames.add('soft-deleted');
    await assert.rejects(backend.generateKey({ curve: 'secp256k1', label: 'soft-deleted' }), { code: 'conflict' });
    await assert.rejects(backend.generateKey({ curve: 'ed25519', label: 'sol' }), { code: 'invalid_request' });
    await assert.rejects(backend.generateKey({ curve: 'secp256k1', label: 'no_underscores' }), { code: 'invalid_request' });
    await backend.close();
  });

  it('generateKey with tag_value: the key carries <tag_name> = <tag_value>, so a discovery narrowed to that value lists it', async () => {
    const backend = make({ tag_name: 'team', tag_value: 'trading' });
    const created = await backend.generateKey({ curve: 'secp256k1', label: 'evm-team' });
    assert.equal(created.backendLabel, 'trading');
    assert.deepEqual(
      (await backend.listKeys()).map((k) => k.id),
      ['evm-team'],
    );
    await backend.close();
  });
});
