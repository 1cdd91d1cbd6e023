// AWS KMS backend against the local emulator of the KMS JSON 1.1 wire API (tooling/kms-emulators), through the
// official @aws-sdk/client-kms. The emulator holds real keys, so every signature is checked for real.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ed25519 } from '@noble/curves/ed25519.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { isOpenKmsError, type KeyBackend, type KeyBackendEvent } from '@openkms/core';
import { startAwsKmsEmulator, type AwsKmsEmulator, type AwsKmsEmulatorKey } from '@openkms/tooling/kms-emulators';
import awsKmsPlugin, { type AwsKmsOptions } from '../src/index.js';

const compressed = (uncompressed: Uint8Array): Uint8Array => secp256k1.Point.fromBytes(uncompressed).toBytes(true);

describe('aws-kms backend (emulated KMS)', () => {
  let emulator: AwsKmsEmulator;
  let dir: string;
  let k1: AwsKmsEmulatorKey;
  let ed: AwsKmsEmulatorKey;
  let tagged: AwsKmsEmulatorKey;
  const events: KeyBackendEvent[] = [];

  const make = async (extra: Partial<AwsKmsOptions> = {}): Promise<KeyBackend> =>
    awsKmsPlugin.create(
      { region: emulator.region, endpoint: emulator.url, credentials_file: 'credentials', profile: 'openkms', timeout_ms: 20000, ...extra },
      { name: 'kms', configDir: dir, log: () => undefined, onEvent: (e) => events.push(e) },
    );

  before(async () => {
    emulator = await startAwsKmsEmulator();
    dir = await mkdtemp(join(tmpdir(), 'openkms-aws-kms-'));
    await writeFile(join(dir, 'credentials'), `[openkms]\naws_access_key_id = ${emulator.accessKeyId}\naws_secret_access_key = ${emulator.secretAccessKey}\n`, {
      mode: 0o600,
    });
    await writeFile(join(dir, 'wrong'), `[openkms]\naws_access_key_id = AKIAWRONGWRONGWRONG\naws_secret_access_key = ${emulator.secretAccessKey}\n`, {
      mode: 0o600,
    });
    await writeFile(join(dir, 'wrong-secret'), `[openkms]\naws_access_key_id = ${emulator.accessKeyId}\naws_secret_access_key = not-the-secret-key-value\n`, {
      mode: 0o600,
    });
    k1 = emulator.addKey('ECC_SECG_P256K1', { alias: 'alias/openkms/evm-hot' });
    ed = emulator.addKey('ECC_NIST_EDWARDS25519', { alias: 'alias/openkms/solana-hot' });
    tagged = emulator.addKey('ECC_SECG_P256K1', { tags: { openkms: 'cosmos-hot' } });
    emulator.addKey('ECC_SECG_P256K1', { alias: 'alias/someone-else' }); // outside the prefix, untagged
    emulator.addKey('ECC_NIST_P256', { alias: 'alias/openkms/p256' }); // a curve openKMS does not sign with
    const disabled = emulator.addKey('ECC_SECG_P256K1', { alias: 'alias/openkms/disabled' });
    disabled.enabled = false;
  });
  after(async () => {
    await emulator.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('is a backend plugin: kind, curves, a closed options schema, declared in package.json', async () => {
    assert.equal(awsKmsPlugin.apiVersion, 1);
    assert.equal(awsKmsPlugin.kind, 'aws-kms');
    assert.deepEqual([...awsKmsPlugin.curves].sort(), ['ed25519', 'secp256k1']);
    assert.equal(awsKmsPlugin.optionsSchema.additionalProperties, false);
    const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as { openkms: unknown };
    assert.deepEqual(pkg.openkms, { plugin: 'backend', apiVersion: 1, kind: 'aws-kms' });
  });

  it('signs a secp256k1 digest: DER with high S from KMS becomes compact low-S with the right recovery id', async () => {
    const backend = await make();
    emulator.highS = true;
    try {
      for (const id of ['alias/openkms/evm-hot', k1.keyId, k1.arn]) {
        const digest = secp256k1.utils.randomSecretKey(); // any 32 bytes
        const { signature, recovery } = await backend.signSecp256k1({ id }, digest);
        assert.equal(signature.length, 64);
        const sig = secp256k1.Signature.fromBytes(signature, 'compact');
        assert.equal(sig.hasHighS(), false);
        assert.ok(secp256k1.verify(signature, digest, k1.publicKey, { prehash: false, lowS: true }));
        assert.deepEqual(sig.addRecoveryBit(recovery).recoverPublicKey(digest).toBytes(true), compressed(k1.publicKey));
      }
    } finally {
      emulator.highS = false;
      await backend.close();
    }
    const signs = emulator.requests.filter((r) => r.operation === 'Sign');
    assert.ok(signs.length >= 3);
  });

  it('signs ed25519 over the raw message (ED25519_SHA_512, MessageType RAW)', async () => {
    const backend = await make();
    const message = new TextEncoder().encode('a solana message');
    const signature = await backend.signEd25519({ id: 'alias/openkms/solana-hot' }, message);
    assert.ok(ed25519.verify(signature, message, ed.publicKey));
    await assert.rejects(backend.signEd25519({ id: 'alias/openkms/solana-hot' }, new Uint8Array(4097)), { code: 'invalid_request' });
    await assert.rejects(backend.signEd25519({ id: 'alias/openkms/evm-hot' }, message), { code: 'invalid_request' });
    await backend.close();
  });

  it('returns public keys (32-byte ed25519, 33-byte compressed secp256k1) by alias, id or ARN', async () => {
    const backend = await make();
    assert.deepEqual(await backend.getPublicKey({ id: ed.arn }), ed.publicKey);
    assert.deepEqual(await backend.getPublicKey({ id: k1.keyId }), compressed(k1.publicKey));
    await assert.rejects(backend.getPublicKey({ id: 'alias/openkms/nope' }), { code: 'key_not_found' });
    await assert.rejects(backend.getPublicKey({ id: 'alias/openkms/p256' }), { code: 'key_not_found' });
    await backend.close();
  });

  it('discovers keys by alias prefix and by tag, skipping unusable keys (other curves, disabled)', async () => {
    const byAlias = await make();
    const keys = await byAlias.listKeys();
    assert.deepEqual(
      keys.map((k) => [k.id, k.curve, k.backendLabel]),
      [
        ['alias/openkms/evm-hot', 'secp256k1', 'openkms/evm-hot'],
        ['alias/openkms/solana-hot', 'ed25519', 'openkms/solana-hot'],
      ],
    );
    assert.deepEqual(keys[0]?.publicKey, compressed(k1.publicKey));
    await byAlias.close();
    const byTag = await make({ tag_key: 'openkms' });
    const tagKeys = await byTag.listKeys();
    assert.deepEqual(
      tagKeys.map((k) => k.id),
      ['alias/openkms/evm-hot', 'alias/openkms/solana-hot', tagged.keyId].sort(),
    );
    assert.equal(tagKeys.find((k) => k.id === tagged.keyId)?.backendLabel, 'cosmos-hot');
    await byTag.close();
  });

  it('retries throttling with backoff and then succeeds', async () => {
    const backend = await make();
    await backend.getPublicKey({ id: k1.keyId });
    const before = emulator.requests.length;
    events.length = 0;
    emulator.faults.throttle = 2;
    await backend.signSecp256k1({ id: k1.keyId }, new Uint8Array(32).fill(1));
    assert.equal(emulator.requests.length - before, 3);
    assert.equal(events.filter((e) => e.type === 'retry' && e.error === 'ThrottlingException').length, 2);
    await backend.close();
  });

  it('persistent throttling or a failing service → backend_unavailable', async () => {
    const backend = await make({ max_attempts: 3 });
    await backend.getPublicKey({ id: k1.keyId });
    emulator.faults.throttle = 100;
    await assert.rejects(backend.signSecp256k1({ id: k1.keyId }, new Uint8Array(32).fill(1)), (err) => {
      assert.ok(isOpenKmsError(err));
      assert.equal(err.code, 'backend_unavailable');
      assert.equal(err.context.aws_error, 'ThrottlingException');
      return true;
    });
    emulator.faults.throttle = 0;
    emulator.faults.unavailable = 100;
    await assert.rejects(backend.signSecp256k1({ id: k1.keyId }, new Uint8Array(32).fill(1)), { code: 'backend_unavailable' });
    emulator.faults.unavailable = 0;
    await backend.close();
  });

  it('refused credentials → backend_error that names no secret', async () => {
    const backend = await make({ credentials_file: 'wrong' });
    await assert.rejects(backend.signSecp256k1({ id: k1.keyId }, new Uint8Array(32)), (err) => {
      assert.ok(isOpenKmsError(err));
      assert.equal(err.code, 'backend_error');
      assert.equal(err.context.aws_error, 'UnrecognizedClientException');
      const text = JSON.stringify(err) + String(err.message) + String(err.stack) + String((err as { cause?: unknown }).cause ?? '');
      assert.ok(!text.includes(emulator.secretAccessKey));
      assert.ok(!text.includes('AKIAWRONG'));
      return true;
    });
    await backend.close();
  });

  it('a wrong secret key (signature mismatch) → backend_error that names no secret', async () => {
    const backend = await make({ credentials_file: 'wrong-secret' });
    await assert.rejects(backend.getPublicKey({ id: k1.keyId }), (err) => {
      assert.ok(isOpenKmsError(err));
      assert.equal(err.code, 'backend_error');
      assert.equal(err.context.aws_error, 'InvalidSignatureException');
      assert.ok(!(JSON.stringify(err) + String(err.message) + String(err.stack)).includes('not-the-secret-key-value'));
      return true;
    });
    await backend.close();
  });

  it('a hanging service → backend_timeout within timeout_ms; health says down', async () => {
    const backend = await make({ timeout_ms: 400 });
    emulator.faults.hang = true;
    try {
      await assert.rejects(backend.getPublicKey({ id: k1.keyId }), { code: 'backend_timeout' });
      assert.equal((await backend.health()).up, false);
    } finally {
      emulator.faults.hang = false;
      await backend.close();
    }
  });

  it('a signature that does not verify is never returned', async () => {
    const backend = await make();
    await backend.getPublicKey({ id: k1.keyId });
    await backend.getPublicKey({ id: ed.keyId });
    emulator.wrongSignature = true;
    try {
      await assert.rejects(backend.signSecp256k1({ id: k1.keyId }, new Uint8Array(32).fill(3)), { code: 'signature_verification_failed' });
      await assert.rejects(backend.signEd25519({ id: ed.keyId }, new Uint8Array([1, 2, 3])), { code: 'signature_verification_failed' });
    } finally {
      emulator.wrongSignature = false;
      await backend.close();
    }
  });

  it('after close() nothing is signed', async () => {
    const backend = await make();
    await backend.close();
    await assert.rejects(backend.signSecp256k1({ id: k1.keyId }, new Uint8Array(32)), { code: 'backend_unavailable' });
  });
  it('generateKey: CreateKey + CreateAlias under alias_prefix (tagged when tag_key is set); discovery lists it, it signs; a taken alias is refused', async () => {
    const backend = await make({ tag_key: 'openkms', tag_value: 'generated' });
    assert.ok(backend.generateKey);
    const k1New = await backend.generateKey({ curve: 'secp256k1', label: 'evm-generated' });
    assert.equal(k1New.id, 'alias/openkms/evm-generated');
    assert.equal(k1New.backendLabel, 'openkms/evm-generated');
    assert.equal(k1New.curve, 'secp256k1');
    assert.equal(k1New.publicKey.length, 33);
    const edNew = await backend.generateKey({ curve: 'ed25519', label: 'sol-generated' });
    assert.equal(edNew.publicKey.length, 32);
    const listed = await backend.listKeys();
    assert.deepEqual(listed.find((k) => k.id === k1New.id)?.publicKey, k1New.publicKey);
    assert.deepEqual(listed.find((k) => k.id === edNew.id)?.publicKey, edNew.publicKey);
    const digest = new Uint8Array(32).fill(7);
    const { signature } = await backend.signSecp256k1({ id: k1New.id }, digest);
    assert.ok(secp256k1.verify(signature, digest, k1New.publicKey, { prehash: false, lowS: true }));
    const message = new TextEncoder().encode('generated');
    assert.ok(ed25519.verify(await backend.signEd25519({ id: edNew.id }, message), message, edNew.publicKey));
    const byAlias = await make(); // a backend discovering by alias only sees it too
    assert.ok((await byAlias.listKeys()).some((k) => k.id === k1New.id));
    await byAlias.close();
    const createKeys = emulator.requests.filter((r) => r.operation === 'CreateKey').length;
    await assert.rejects(backend.generateKey({ curve: 'secp256k1', label: 'evm-generated' }), (err) => {
      assert.ok(isOpenKmsError(err));
      assert.equal(err.code, 'conflict');
      assert.match(err.message, /already has the alias alias\/openkms\/evm-generated/);
      return true;
    });
    await assert.rejects(backend.generateKey({ curve: 'secp256k1', label: 'evm-hot' }), { code: 'conflict' }); // made elsewhere
    assert.equal(emulator.requests.filter((r) => r.operation === 'CreateKey').length, createKeys); // no key made for a taken alias
    assert.deepEqual(await backend.getPublicKey({ id: 'alias/openkms/evm-hot' }), compressed(k1.publicKey));
    await assert.rejects(backend.generateKey({ curve: 'secp256k1', label: 'bad label!' }), { code: 'invalid_request' });
    await backend.close();
  });

  it('generateKey: tags the key with tag_key (value: tag_value, else the label); an alias taken meanwhile → conflict and the new key is scheduled for deletion', async () => {
    const backend = await make({ tag_key: 'openkms' });
    let made: string | undefined;
    emulator.afterCreateKey = (k) => {
      made = k.keyId;
    };
    await backend.generateKey!({ curve: 'secp256k1', label: 'cosmos-generated' });
    assert.deepEqual(emulator.tagsOf(made!), { openkms: 'cosmos-generated' });
    let raced: string | undefined;
    emulator.afterCreateKey = (k) => {
      raced = k.keyId;
      emulator.addKey('ECC_SECG_P256K1', { alias: 'alias/openkms/raced' }); // another writer takes the alias
    };
    try {
      await assert.rejects(backend.generateKey!({ curve: 'secp256k1', label: 'raced' }), { code: 'conflict' });
    } finally {
      emulator.afterCreateKey = undefined;
    }
    assert.ok(raced && emulator.pendingDeletion.has(raced));
    await backend.close();
  });
});
