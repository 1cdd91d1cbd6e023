import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import { isOpenKmsError } from '@openkms/core';
import { createYubiHsmBackend, type YubiHsmClient, type YubiHsmBackend } from '@openkms/yubihsm';
import { eventLog, startHarness, hex, toHex, waitFor } from './driver-harness.js';

const ED_SEED = hex('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60');
const K1_SCALAR = hex('c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721');

/** Demo-style provisioning with auth key 1: a sign-only auth key 3 and two keys. */
async function provision(client: YubiHsmClient, opts: { edSeed?: Uint8Array } = {}): Promise<void> {
  const s = await client.openSession(1, 'password');
  await s.putAuthenticationKey({
    id: 3,
    label: 'openkms signer',
    domains: [1],
    capabilities: ['sign-eddsa', 'sign-ecdsa'],
    secret: { password: 'signer-password' },
  });
  await s.putAsymmetricKey({ id: 0x64, label: 'solana-hot', domains: [1], capabilities: ['sign-eddsa'], algorithm: 'ed25519', key: opts.edSeed ?? ED_SEED });
  await s.putAsymmetricKey({ id: 0x65, label: 'cosmos-hot', domains: [1], capabilities: ['sign-ecdsa'], algorithm: 'eck256', key: K1_SCALAR });
  await s.generateAsymmetricKey({ id: 0x66, label: 'p256-ignored', domains: [1], capabilities: ['sign-ecdsa'], algorithm: 'ecp256' });
  await s.close();
}

const code = (c: string) => (e: unknown) => isOpenKmsError(e) && e.code === c;

function backendFor(urls: string[], extra: Partial<Parameters<typeof createYubiHsmBackend>[0]> = {}): YubiHsmBackend {
  return createYubiHsmBackend({
    connectors: urls.map((url, i) => ({ url, name: `hsm${i}` })),
    authKeyId: 3,
    password: 'signer-password',
    commandTimeoutMs: 1000,
    keepaliveMs: 0,
    reconnect: { initialMs: 20, maxMs: 100 },
    ...extra,
  });
}

test('backend: listKeys, getPublicKey, signEd25519, signSecp256k1 (low-S + recovery), health, stats, provenance', async () => {
  const h = await startHarness({ serial: 424242 });
  const log = eventLog();
  const backend = backendFor([h.url], { onEvent: log.onEvent });
  try {
    await provision(h.client);
    const keys = await backend.listKeys();
    assert.deepEqual(
      keys.map((k) => [k.id, k.curve, k.backendLabel]),
      [
        ['0x0064', 'ed25519', 'solana-hot'],
        ['0x0065', 'secp256k1', 'cosmos-hot'],
      ],
    );
    assert.equal(toHex(keys[0]!.publicKey), toHex(ed25519.getPublicKey(ED_SEED)));
    assert.equal(toHex(keys[1]!.publicKey), toHex(secp256k1.getPublicKey(K1_SCALAR, true)));
    assert.equal(toHex(await backend.getPublicKey({ id: '0x0065' })), toHex(secp256k1.getPublicKey(K1_SCALAR, true)));

    const msg = new TextEncoder().encode('transfer 1 SOL');
    assert.equal(toHex(await backend.signEd25519({ id: '0x0064' }, msg)), toHex(ed25519.sign(msg, ED_SEED)));

    const pub = secp256k1.getPublicKey(K1_SCALAR, true);
    const recoveries = new Set<number>();
    for (let i = 0; i < 16; i++) {
      const digest = new Uint8Array(createHash('sha256').update(`tx ${i}`).digest());
      const sig = await backend.signSecp256k1({ id: '0x0065' }, digest);
      assert.equal(sig.signature.length, 64);
      const parsed = secp256k1.Signature.fromBytes(sig.signature, 'compact');
      assert.ok(!parsed.hasHighS());
      assert.ok(secp256k1.verify(sig.signature, digest, pub, { prehash: false }));
      assert.equal(toHex(parsed.addRecoveryBit(sig.recovery).recoverPublicKey(digest).toBytes(true)), toHex(pub));
      recoveries.add(sig.recovery);
    }
    assert.equal(recoveries.size, 2);

    assert.deepEqual(backend.provenance({ id: '0x0064' }), { keyId: '0x0064', device: '424242' });
    const health = await backend.health();
    assert.equal(health.up, true);
    assert.equal(health.simulated, true);
    assert.equal(health.detail?.['devices_up'], 1);
    assert.equal(health.detail?.['serials'], '424242');
    const stats = backend.stats();
    assert.equal(stats.devices[0]!.serial, 424242);
    assert.equal(stats.devices[0]!.up, true);
    assert.equal(stats.devices[0]!.simulated, true);
    assert.ok(stats.devices[0]!.sessions >= 1);
    assert.ok(log.events.some((e) => e.type === 'command' && e.command === 'signEddsa' && e.ok && e.durationMs >= 0));
    assert.ok(log.events.some((e) => e.type === 'device_up' && e.serial === 424242 && e.simulated));

    // fail-closed mapping
    await assert.rejects(backend.signEd25519({ id: '0x0099' }, msg), code('key_not_found'));
    await assert.rejects(backend.signEd25519({ id: 'nope' }, msg), code('key_not_found'));
    await assert.rejects(backend.signEd25519({ id: '0x0065' }, msg), code('invalid_request'));
    await assert.rejects(backend.signSecp256k1({ id: '0x0065' }, new Uint8Array(31)), code('invalid_request'));
    await assert.rejects(backend.getPublicKey({ id: '0x0066' }), code('key_not_found')); // p256 is not offered
  } finally {
    await backend.close();
    await h.close();
  }
});

test('backend: injected device errors become backend_error with the device error name; the next call works', async () => {
  const h = await startHarness();
  const backend = backendFor([h.url]);
  try {
    await provision(h.client);
    await backend.listKeys();
    h.sim.faults.failNext(1, 0x07); // STORAGE_FAILED
    await assert.rejects(
      backend.signEd25519({ id: '0x0064' }, Uint8Array.of(1)),
      (e: unknown) => isOpenKmsError(e) && e.code === 'backend_error' && e.context['device_error'] === 'STORAGE_FAILED',
    );
    assert.equal((await backend.signEd25519({ id: '0x0064' }, Uint8Array.of(1))).length, 64);
    // wrong password: authentication failure, never a signature
    const bad = createYubiHsmBackend({ connectors: [{ url: h.url }], authKeyId: 3, password: 'wrong', keepaliveMs: 0, commandTimeoutMs: 1000 });
    await assert.rejects(
      bad.signEd25519({ id: '0x0064' }, Uint8Array.of(1)),
      (e: unknown) => isOpenKmsError(e) && e.code === 'backend_error' && e.context['reason'] === 'card_cryptogram_mismatch',
    );
    await bad.close();
  } finally {
    await backend.close();
    await h.close();
  }
});

test('backend: sessions exhausted by other clients → backend_unavailable', async () => {
  const h = await startHarness();
  const backend = backendFor([h.url]);
  try {
    await provision(h.client);
    for (let i = 0; i < 16; i++) await h.client.openSession(1, 'password');
    await assert.rejects(backend.signEd25519({ id: '0x0064' }, Uint8Array.of(1)), code('backend_unavailable'));
  } finally {
    await backend.close();
    await h.close();
  }
});

test('backend: a hung device times out (backend_timeout) instead of hanging, then recovers', async () => {
  const h = await startHarness();
  const log = eventLog();
  const backend = backendFor([h.url], { commandTimeoutMs: 150, onEvent: log.onEvent });
  try {
    await provision(h.client);
    await backend.listKeys();
    h.sim.faults.hangNext(400);
    const started = Date.now();
    await assert.rejects(backend.signEd25519({ id: '0x0064' }, Uint8Array.of(1)), code('backend_timeout'));
    assert.ok(Date.now() - started < 400);
    h.sim.faults.release();
    // the timeout took the device down; the backoff probe brings it back
    assert.equal(backend.stats().devices[0]!.up, false);
    await waitFor(() => log.count('device_up') >= 2);
    assert.equal((await backend.health()).up, true);
    assert.equal((await backend.signEd25519({ id: '0x0064' }, Uint8Array.of(1))).length, 64);
  } finally {
    await backend.close();
    await h.close();
  }
});

test('backend: connector down and back — unavailable, reconnect with backoff, signing resumes', async () => {
  const h = await startHarness();
  const log = eventLog();
  const backend = backendFor([h.url], { onEvent: log.onEvent });
  try {
    await provision(h.client);
    await backend.listKeys();
    await h.stopServer();
    await assert.rejects(backend.signEd25519({ id: '0x0064' }, Uint8Array.of(1)), code('backend_unavailable'));
    assert.equal((await backend.health()).up, false);
    assert.ok(log.count('device_down') >= 1);
    await h.restart();
    await waitFor(() => backend.stats().devices[0]!.up);
    assert.ok(log.count('reconnect') >= 1);
    assert.equal((await backend.signEd25519({ id: '0x0064' }, Uint8Array.of(1))).length, 64);
    // device unplugged (connector up, NO_DEVICE / 500) and plugged back in
    h.sim.faults.disappear();
    await assert.rejects(backend.signEd25519({ id: '0x0064' }, Uint8Array.of(2)), code('backend_unavailable'));
    h.sim.faults.reappear();
    await waitFor(() => backend.stats().devices[0]!.up);
    assert.equal((await backend.signEd25519({ id: '0x0064' }, Uint8Array.of(2))).length, 64);
  } finally {
    await backend.close();
    await h.close();
  }
});

test('backend: two devices with the same keys — load is spread, one failing leaves the other serving', async () => {
  const a = await startHarness({ serial: 1001 });
  const b = await startHarness({ serial: 1002 });
  const backend = backendFor([a.url, b.url]);
  try {
    await provision(a.client);
    await provision(b.client);
    await backend.listKeys();
    const devices = new Set<string>();
    for (let i = 0; i < 6; i++) {
      await backend.signEd25519({ id: '0x0064' }, Uint8Array.of(i));
      devices.add(backend.provenance({ id: '0x0064' }).device!);
    }
    assert.deepEqual([...devices].sort(), ['1001', '1002']);
    a.sim.faults.disappear();
    for (let i = 0; i < 4; i++) {
      const sig = await backend.signSecp256k1({ id: '0x0065' }, new Uint8Array(32).fill(i + 1));
      assert.equal(sig.signature.length, 64);
      assert.equal(backend.provenance({ id: '0x0065' }).device, '1002');
    }
    const health = await backend.health();
    assert.equal(health.up, true);
    assert.equal(health.detail?.['devices_up'], 1);
    a.sim.faults.reappear();
    await waitFor(() => backend.stats().devices.every((d) => d.up));
    // concurrent signatures: each call is told the device that made ITS signature
    const reported = await Promise.all(
      Array.from({ length: 8 }, async (_, i) => {
        let device: string | undefined;
        await backend.signEd25519({ id: '0x0064' }, Uint8Array.of(100 + i), { onProvenance: (p) => (device = p.device) });
        return device;
      }),
    );
    assert.ok(
      reported.every((d) => d === '1001' || d === '1002'),
      String(reported),
    );
    assert.deepEqual([...new Set(reported)].sort(), ['1001', '1002'], 'both devices signed, each reported for its own call');
  } finally {
    await backend.close();
    await a.close();
    await b.close();
  }
});

test('backend: a device whose key does not match (faulty device) yields signature_verification_failed, never a signature', async () => {
  const a = await startHarness({ serial: 2001 });
  const b = await startHarness({ serial: 2002 });
  try {
    await provision(a.client);
    await provision(b.client, { edSeed: new Uint8Array(32).fill(0x33) }); // same id, different key
    const backend = backendFor([a.url, b.url]);
    try {
      await backend.listKeys(); // public keys cached from one device
      let failures = 0;
      let good = 0;
      for (let i = 0; i < 4; i++) {
        try {
          const sig = await backend.signEd25519({ id: '0x0064' }, Uint8Array.of(i));
          const pk = await backend.getPublicKey({ id: '0x0064' });
          assert.ok(ed25519.verify(sig, Uint8Array.of(i), pk));
          good++;
        } catch (e) {
          assert.ok(isOpenKmsError(e) && e.code === 'signature_verification_failed');
          failures++;
        }
      }
      assert.ok(failures >= 1 && good >= 1);
    } finally {
      await backend.close();
    }
  } finally {
    await a.close();
    await b.close();
  }
});

test('backend over the in-process transport (no HTTP) behaves the same', async () => {
  const { createSimulator } = await import('../src/index.js');
  const { createInProcessTransport, YubiHsmClient } = await import('@openkms/yubihsm');
  const sim = createSimulator({ serial: 3003 });
  const transport = createInProcessTransport((f) => sim.handleFrame(f), { name: 'sim-in-process' });
  try {
    await provision(new YubiHsmClient({ transport }));
    const backend = createYubiHsmBackend({ connectors: [{ transport }], authKeyId: 3, password: 'signer-password', keepaliveMs: 0 });
    try {
      assert.equal((await backend.listKeys()).length, 2);
      assert.equal((await backend.signEd25519({ id: '0x0064' }, Uint8Array.of(9))).length, 64);
      assert.deepEqual(
        backend.stats().devices.map((d) => [d.name, d.serial, d.up]),
        [['sim-in-process', 3003, true]],
      );
      sim.faults.disappear();
      await assert.rejects(backend.signEd25519({ id: '0x0064' }, Uint8Array.of(9)), code('backend_unavailable'));
    } finally {
      await backend.close();
    }
  } finally {
    await sim.close();
  }
});
