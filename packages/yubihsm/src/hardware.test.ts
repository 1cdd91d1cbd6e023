/**
 * Opt-in tests against a REAL YubiHSM2 behind yubihsm-connector.
 *   OPENKMS_YUBIHSM_CONNECTOR=http://127.0.0.1:12345 [OPENKMS_YUBIHSM_PASSWORD=password] pnpm exec openkms-test hardware
 * Skipped when OPENKMS_YUBIHSM_CONNECTOR is unset; FAILS LOUDLY when it is set and no device answers.
 * Uses auth key 1. Creates objects only in the scratch range 0xfe00–0xfe0f and deletes them again; never resets
 * (and never even tries a reset that should be refused). Covers: clear commands and simulator detection, every
 * command family, sessions (concurrent, close, wrong password), pool re-authentication, the KeyBackend (Ed25519 and
 * secp256k1 signatures verified, oversized messages, allowSimulated: false still serves a real device) and a
 * sign-only auth key's capabilities. Fault injection and resets are covered against the simulator only
 * (packages/yubihsm-sim/test).
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
import { isOpenKmsError } from '@openkms/core';
import { YubiHsmPool } from './pool/yubihsm-pool.js';
import type { YubiHsmEvent } from './pool/yubihsm-event.js';
import { passwordToAuthKey } from './protocol/password-key.js';
import { YubiHsmSessionError } from './session/session-error.js';
import { createHttpTransport } from './transport/http-transport.js';
import type { YubiHsmSession } from './session/session.js';

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
    // a non-FIPS YubiHSM2 (as the simulator models) refuses the option with INVALID_DATA; a FIPS model answers one
    // byte, 0 (off) or 1 (on). Anything else, a success included, fails.
    const fips = await s.getOption('fips-mode').then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    );
    if ('error' in fips) assert.ok(fips.error instanceof YubiHsmDeviceError && fips.error.codeName === 'INVALID_DATA', `fips-mode: ${String(fips.error)}`);
    else assert.ok(fips.value.length === 1 && fips.value[0]! <= 1, `fips-mode answered ${Buffer.from(fips.value).toString('hex')}`);

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

const SIGN_ED_ID = 0xfe04;
const SIGN_K1_ID = 0xfe05;
const SIGNER_AUTH_ID = 0xfe06;
const DENIED_PUT_ID = 0xfe07;
const SIGNER_PASSWORD = 'openkms-hw-test-signer';

const denied = (e: unknown): boolean => e instanceof YubiHsmDeviceError && e.codeName === 'INSUFFICIENT_PERMISSIONS' && !e.outer;

/** Opens an auth-key-1 session, or fails loudly naming the connector. */
async function adminSession(client: YubiHsmClient): Promise<YubiHsmSession> {
  try {
    return await client.openSession(1, password);
  } catch (err) {
    throw new Error(`OPENKMS_YUBIHSM_CONNECTOR=${connector}: cannot open a session with auth key 1 (device missing or wrong OPENKMS_YUBIHSM_PASSWORD?)`, {
      cause: err,
    });
  }
}

async function deleteScratch(s: YubiHsmSession): Promise<void> {
  for (const [id, type] of [
    [SIGN_ED_ID, 'asymmetric-key'],
    [SIGN_K1_ID, 'asymmetric-key'],
    [DENIED_PUT_ID, 'asymmetric-key'],
    [SIGNER_AUTH_ID, 'authentication-key'],
  ] as const) {
    await s.deleteObject(id, type).catch(() => undefined);
  }
}

test('real YubiHSM2: sessions — two at once, close, a wrong password never authenticates', { skip }, async () => {
  const client = new YubiHsmClient({ url: connector!, timeoutMs: 10_000 });
  try {
    const a = await adminSession(client);
    const b = await adminSession(client);
    assert.notEqual(a.id, b.id);
    assert.equal(Buffer.from(await a.echo(Uint8Array.of(1, 2))).toString('hex'), '0102');
    assert.equal(Buffer.from(await b.echo(Uint8Array.of(3))).toString('hex'), '03');
    await a.close();
    assert.equal(a.closed, true);
    await assert.rejects(a.echo(Uint8Array.of(1)), (e: unknown) => e instanceof YubiHsmSessionError && e.reason === 'closed');
    assert.equal((await b.echo(Uint8Array.of(4))).length, 1, 'closing one session leaves the other usable');
    await b.close();
    await assert.rejects(
      client.openSession(1, `${password}-wrong`),
      (e: unknown) => e instanceof YubiHsmSessionError && e.reason === 'card_cryptogram_mismatch',
    );
  } finally {
    await client.close();
  }
});

test('real YubiHSM2: pool — sessions re-authenticated after (local) expiry, signing continues, close() closes them', { skip }, async () => {
  let clock = Date.now();
  const events: YubiHsmEvent[] = [];
  const pool = new YubiHsmPool({
    transport: createHttpTransport({ url: connector!, timeoutMs: 10_000 }),
    authKeyId: 1,
    authKey: passwordToAuthKey(password),
    size: 1,
    keepaliveMs: 0,
    commandTimeoutMs: 10_000,
    now: () => clock,
    onEvent: (e) => void events.push(e),
  });
  const created = (): number => events.filter((e) => e.type === 'session_created').length;
  try {
    const d = await pool.connect();
    assert.equal(d.simulated, false);
    assert.equal(pool.state, 'up');
    assert.equal((await pool.echo(Uint8Array.of(9))).length, 1);
    assert.equal(created(), 1);
    assert.equal((await pool.getPseudoRandom(8)).length, 8);
    assert.equal(created(), 1, 'the session is reused');
    clock += 60_000; // past the device's idle timeout: the pool must not use the old session
    assert.equal((await pool.getPseudoRandom(8)).length, 8);
    assert.equal(created(), 2, 're-authenticated on a fresh session');
    assert.equal(pool.sessionCount, 1);
  } finally {
    await pool.close();
    await pool.transport.close?.();
  }
  assert.ok(events.some((e) => e.type === 'session_closed' && e.reason === 'pool_closed'));
});

test('real YubiHSM2: a sign-only auth key — backend signs (Ed25519 + secp256k1 verified), everything else is refused', { skip }, async () => {
  const client = new YubiHsmClient({ url: connector!, timeoutMs: 10_000 });
  const admin = await adminSession(client);
  try {
    await deleteScratch(admin);
    await admin.generateAsymmetricKey({ id: SIGN_ED_ID, label: 'openkms-hw-test-sign-ed', domains: [1], capabilities: ['sign-eddsa'], algorithm: 'ed25519' });
    await admin.generateAsymmetricKey({ id: SIGN_K1_ID, label: 'openkms-hw-test-sign-k1', domains: [1], capabilities: ['sign-ecdsa'], algorithm: 'eck256' });
    await admin.putAuthenticationKey({
      id: SIGNER_AUTH_ID,
      label: 'openkms-hw-test-signer',
      domains: [1],
      capabilities: ['sign-eddsa', 'sign-ecdsa'],
      delegatedCapabilities: [],
      secret: { password: SIGNER_PASSWORD },
    });
    const edPub = (await admin.getPublicKey(SIGN_ED_ID)).publicKey;
    const k1Pub = compressSecp256k1PublicKey((await admin.getPublicKey(SIGN_K1_ID)).publicKey);

    // the KeyBackend on the sign-only key, refusing simulators: a real device must still serve
    const backend = createYubiHsmBackend({
      connectors: [{ url: connector! }],
      authKeyId: SIGNER_AUTH_ID,
      password: SIGNER_PASSWORD,
      keepaliveMs: 0,
      commandTimeoutMs: 10_000,
      allowSimulated: false,
    });
    try {
      const keys = await backend.listKeys();
      assert.deepEqual(keys.find((k) => k.id === '0xfe04')?.curve, 'ed25519');
      assert.deepEqual(keys.find((k) => k.id === '0xfe05')?.curve, 'secp256k1');
      assert.deepEqual(await backend.getPublicKey({ id: '0xfe04' }), edPub);
      assert.deepEqual(await backend.getPublicKey({ id: '0xfe05' }), k1Pub);
      for (const size of [1, 1232, 3114]) {
        const msg = new Uint8Array(size).fill(size & 0xff);
        assert.ok(ed25519.verify(await backend.signEd25519({ id: '0xfe04' }, msg), msg, edPub), `Ed25519 over ${size} bytes`);
      }
      await assert.rejects(backend.signEd25519({ id: '0xfe04' }, new Uint8Array(5000)), (e: unknown) => isOpenKmsError(e) && e.code === 'invalid_request');
      for (let i = 0; i < 4; i++) {
        const digest = new Uint8Array(32).fill(i + 1);
        const sig = await backend.signSecp256k1({ id: '0xfe05' }, digest);
        const parsed = secp256k1.Signature.fromBytes(sig.signature, 'compact');
        assert.ok(!parsed.hasHighS());
        assert.ok(secp256k1.verify(sig.signature, digest, k1Pub, { prehash: false }));
        assert.deepEqual(parsed.addRecoveryBit(sig.recovery).recoverPublicKey(digest).toBytes(true), k1Pub);
      }
      const health = await backend.health();
      assert.equal(health.up, true);
      assert.equal(health.simulated, false);
      assert.equal(backend.stats().devices[0]!.lastError, undefined);
    } finally {
      await backend.close();
    }

    // capabilities: the sign-only session signs and is refused the rest (never a reset, not even a refused one)
    const signer = await client.openSession(SIGNER_AUTH_ID, SIGNER_PASSWORD);
    try {
      const msg = Uint8Array.of(1, 2, 3);
      assert.ok(ed25519.verify(await signer.signEddsa(SIGN_ED_ID, msg), msg, edPub));
      await assert.rejects(signer.deleteObject(SIGN_ED_ID, 'asymmetric-key'), denied);
      await assert.rejects(
        signer.putAsymmetricKey({ id: DENIED_PUT_ID, domains: [1], capabilities: ['sign-eddsa'], algorithm: 'ed25519', key: new Uint8Array(32).fill(5) }),
        denied,
      );
      await assert.rejects(signer.generateAsymmetricKey({ id: DENIED_PUT_ID, domains: [1], capabilities: ['sign-eddsa'], algorithm: 'ed25519' }), denied);
      await assert.rejects(signer.getPseudoRandom(4), denied);
      // every refusal came back inside the envelope: the session is still good
      assert.ok(ed25519.verify(await signer.signEddsa(SIGN_ED_ID, msg), msg, edPub));
      // ECDSA with the Ed25519 key is refused inside the envelope
      await assert.rejects(signer.signEcdsa(SIGN_ED_ID, new Uint8Array(32)), (e: unknown) => e instanceof YubiHsmDeviceError && !e.outer);
    } finally {
      await signer.close();
    }
    assert.equal((await admin.listObjects({ id: SIGN_ED_ID, type: 'asymmetric-key' })).length, 1, 'the key survived the refused delete');
  } finally {
    await deleteScratch(admin);
    await admin.close();
    await client.close();
  }
});
