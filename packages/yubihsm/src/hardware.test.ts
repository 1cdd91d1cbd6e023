/**
 * Opt-in tests against a REAL YubiHSM2 behind yubihsm-connector.
 *   OPENKMS_YUBIHSM_CONNECTOR=http://127.0.0.1:12345 [OPENKMS_YUBIHSM_PASSWORD=password] pnpm exec openkms-test hardware
 * Skipped when OPENKMS_YUBIHSM_CONNECTOR is unset; FAILS LOUDLY when it is set and no device answers.
 * Uses auth key 1. Creates objects only in the scratch range 0xfe00–0xfe0f and deletes them again; never resets.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ed25519 } from '@noble/curves/ed25519.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { YubiHsmClient } from './client/yubihsm-client.js';
import { YubiHsmDeviceError } from './protocol/errors.js';
import { verifyLogChain } from './protocol/log-entry.js';
import { compressSecp256k1PublicKey, normalizeSecp256k1Signature } from './signature/secp256k1-signature.js';
import { createYubiHsmBackend } from './backend/yubihsm-backend.js';

const connector = process.env['OPENKMS_YUBIHSM_CONNECTOR'];
const password = process.env['OPENKMS_YUBIHSM_PASSWORD'] ?? 'password';
const skip = connector ? false : 'set OPENKMS_YUBIHSM_CONNECTOR to run against a real YubiHSM2';

const ED_ID = 0xfe00;
const K1_ID = 0xfe01;
const WRAP_ID = 0xfe02;

test('real YubiHSM2: connector answers and a device is attached', { skip }, async () => {
  const client = new YubiHsmClient({ url: connector!, timeoutMs: 5000 });
  try {
    const status = await client.status().catch((err: unknown) => {
      throw new Error(`OPENKMS_YUBIHSM_CONNECTOR is set to ${connector} but the connector does not answer`, { cause: err });
    });
    assert.ok(status.ok, `connector at ${connector} reports status=${status.status} (no device attached?)`);
    const d = await client.describe();
    assert.ok(d.serial > 0);
    assert.equal(d.simulated, false, 'this is the simulator, not a real device');
  } finally {
    await client.close();
  }
});

test('real YubiHSM2: driver commands', { skip }, async () => {
  const client = new YubiHsmClient({ url: connector!, timeoutMs: 10_000 });
  const s = await client.openSession(1, password);
  const cleanup = async (): Promise<void> => {
    for (const [id, type] of [
      [ED_ID, 'asymmetric-key'],
      [K1_ID, 'asymmetric-key'],
      [WRAP_ID, 'wrap-key'],
    ] as const) {
      await s.deleteObject(id, type).catch(() => undefined);
    }
  };
  try {
    await cleanup();
    assert.equal(Buffer.from(await s.echo(Uint8Array.of(0xff, 1))).toString('hex'), 'ff01');
    assert.equal((await s.getPseudoRandom(16)).length, 16);

    await s.generateAsymmetricKey({
      id: ED_ID,
      label: 'openkms-hw-test-ed',
      domains: [1],
      capabilities: ['sign-eddsa', 'exportable-under-wrap'],
      algorithm: 'ed25519',
    });
    const edPub = (await s.getPublicKey(ED_ID)).publicKey;
    const msg = new TextEncoder().encode('openkms hardware test');
    assert.ok(ed25519.verify(await s.signEddsa(ED_ID, msg), msg, edPub));

    await s.generateAsymmetricKey({ id: K1_ID, label: 'openkms-hw-test-k1', domains: [1], capabilities: ['sign-ecdsa'], algorithm: 'eck256' });
    const k1Pub = compressSecp256k1PublicKey((await s.getPublicKey(K1_ID)).publicKey);
    const digest = new Uint8Array(32).fill(0x5a);
    const sig = normalizeSecp256k1Signature(await s.signEcdsa(K1_ID, digest), digest, k1Pub);
    assert.ok(secp256k1.verify(sig.signature, digest, k1Pub, { prehash: false }));

    const info = await s.getObjectInfo(ED_ID, 'asymmetric-key');
    assert.equal(info.label, 'openkms-hw-test-ed');
    assert.equal(info.algorithm, 46);
    assert.ok((await s.listObjects({ type: 'asymmetric-key', algorithm: 'ed25519' })).some((e) => e.id === ED_ID));

    await s.putWrapKey({
      id: WRAP_ID,
      label: 'openkms-hw-test-wrap',
      domains: [1],
      capabilities: ['export-wrapped', 'import-wrapped'],
      delegatedCapabilities: ['sign-eddsa', 'exportable-under-wrap'],
      algorithm: 'aes256-ccm-wrap',
      key: new Uint8Array(32).fill(0x11),
    });
    const wrapped = await s.exportWrapped(WRAP_ID, 'asymmetric-key', ED_ID);
    await s.deleteObject(ED_ID, 'asymmetric-key');
    assert.deepEqual(await s.importWrapped(WRAP_ID, wrapped), { type: 3, id: ED_ID });
    assert.deepEqual((await s.getPublicKey(ED_ID)).publicKey, edPub);

    const log = await s.getLogEntries();
    assert.equal(verifyLogChain(log.entries), -1);
    await s.getOption('fips-mode').catch((e: unknown) => assert.ok(e instanceof YubiHsmDeviceError && e.codeName === 'INVALID_DATA'));

    const backend = createYubiHsmBackend({ connectors: [{ url: connector! }], authKeyId: 1, password, keepaliveMs: 0 });
    try {
      const keys = await backend.listKeys();
      assert.ok(keys.some((k) => k.id === '0xfe00' && k.curve === 'ed25519'));
      assert.equal((await backend.signEd25519({ id: '0xfe00' }, msg)).length, 64);
      assert.equal((await backend.signSecp256k1({ id: '0xfe01' }, digest)).signature.length, 64);
      const health = await backend.health();
      assert.equal(health.up, true);
      assert.equal(health.simulated, false);
    } finally {
      await backend.close();
    }
  } finally {
    await cleanup();
    await s.close();
    await client.close();
  }
});
