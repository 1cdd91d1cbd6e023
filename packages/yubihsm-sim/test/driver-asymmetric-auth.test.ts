/**
 * Asymmetric (SCP11-style) authentication keys, firmware ≥ 2.3: PutAuthenticationKey with an
 * ecp256-yubico-authentication public key, GetDevicePublicKey, CreateSession with an ephemeral key. One host side
 * is the driver over HTTP; the other is written here from python-yubihsm's AsymmetricAuth with node:crypto only
 * (ECDH, SHA-256 X9.63 KDF), so the simulator is not checked against the code it shares with the driver.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createECDH, createHash, type ECDH } from 'node:crypto';
import { aesCmac, createInProcessTransport, decodeFrame, encodeFrame, SecureChannel, YubiHsmClient, YubiHsmSessionError } from '@openkms/yubihsm';
import { createSimulator } from '../src/index.js';
import { startHarness } from './driver-harness.js';

const isCode = (name: string) => (e: { codeName?: string }) => e.codeName === name;

function hostKey(): ECDH {
  const k = createECDH('prime256v1');
  k.generateKeys();
  return k;
}

function privateScalar(k: ECDH): Uint8Array {
  return new Uint8Array(k.getPrivateKey().length === 32 ? k.getPrivateKey() : Buffer.concat([Buffer.alloc(32 - k.getPrivateKey().length), k.getPrivateKey()]));
}

/** ANSI X9.63 KDF with SHA-256, 64 bytes. */
function x963(z: Buffer, info: Buffer): Buffer {
  const blocks = [1, 2].map((i) => {
    const c = Buffer.alloc(4);
    c.writeUInt32BE(i);
    return createHash('sha256')
      .update(Buffer.concat([z, c, info]))
      .digest();
  });
  return Buffer.concat(blocks);
}

test('asymmetric session: a host written from python-yubihsm (node:crypto only) gets a receipt it can verify and a working SCP03 channel', async () => {
  const sim = createSimulator();
  try {
    const oce = hostKey();
    // put the host's public key with the default symmetric key, through the driver's in-process session helpers
    const client = new YubiHsmClient({ transport: createInProcessTransport((f) => sim.handleFrame(f)) });
    const s = await client.openSession(1, 'password');
    const id = await s.putPublicAuthenticationKey({ id: 7, label: 'asym', domains: [1], capabilities: ['get-pseudo-random'], publicKey: oce.getPublicKey() });
    const info = await s.getObjectInfo(id, 'authentication-key');
    assert.deepEqual([info.algorithm, info.length, info.origin], [49, 72, 2]);
    await s.close();

    // GetDevicePublicKey in the clear: alg 49 ‖ x ‖ y
    const pk = decodeFrame(await sim.handleFrame(encodeFrame(0x0a, new Uint8Array(0))));
    assert.equal(pk.cmd, 0x8a);
    assert.equal(pk.payload.length, 65);
    assert.equal(pk.payload[0], 49);
    const pkSd = Buffer.concat([Buffer.of(4), pk.payload.subarray(1)]);

    const shsss = oce.computeSecret(pkSd);
    const eph = hostKey();
    const epkOce = eph.getPublicKey();
    const created = decodeFrame(await sim.handleFrame(encodeFrame(0x03, Buffer.concat([Buffer.of(0, 7), epkOce]))));
    assert.equal(created.cmd, 0x83);
    assert.equal(created.payload.length, 1 + 65 + 16);
    const sid = created.payload[0]!;
    const epkSd = Buffer.from(created.payload.subarray(1, 66));
    const receipt = created.payload.subarray(66);
    const shs = x963(Buffer.concat([eph.computeSecret(epkSd), shsss]), Buffer.from('3c8810', 'hex'));
    assert.deepEqual(aesCmac(shs.subarray(0, 16), Buffer.concat([epkSd, epkOce])), receipt, 'receipt = CMAC(receipt key, EPK.SD ‖ EPK.OCE)');
    const channel = SecureChannel.authenticated(sid, { sEnc: shs.subarray(16, 32), sMac: shs.subarray(32, 48), sRmac: shs.subarray(48, 64) }, receipt);
    const echo = channel.unwrapResponse(await sim.handleFrame(channel.wrapCommand(encodeFrame(0x01, Buffer.from('hello')))));
    assert.equal(Buffer.from(decodeFrame(echo).payload).toString(), 'hello');
    const random = channel.unwrapResponse(await sim.handleFrame(channel.wrapCommand(encodeFrame(0x51, Uint8Array.of(0, 8)))));
    assert.equal(decodeFrame(random).payload.length, 8);
  } finally {
    await sim.close();
  }
});

test('asymmetric session through the driver over HTTP: the key authorises as its capabilities say; wrong keys and mixed-up variants are refused', async () => {
  const h = await startHarness();
  try {
    const oce = hostKey();
    const admin = await h.client.openSession(1, 'password');
    await admin.putPublicAuthenticationKey({
      id: 9,
      label: 'asym',
      domains: [1, 2],
      capabilities: ['get-pseudo-random', 'generate-asymmetric-key', 'sign-ecdsa', 'exportable-under-wrap'],
      delegatedCapabilities: ['sign-ecdsa'],
      publicKey: oce.getPublicKey(),
    });
    const devicePublicKey = await h.client.devicePublicKey();
    assert.equal(devicePublicKey.length, 65);

    const s = await h.client.openAsymmetricSession(9, privateScalar(oce));
    assert.equal((await s.getPseudoRandom(16)).length, 16);
    const key = await s.generateAsymmetricKey({ label: 'k', domains: [2], capabilities: ['sign-ecdsa'], algorithm: 'ecp256' });
    assert.equal((await s.signEcdsa(key, new Uint8Array(32).fill(1)))[0], 0x30);
    await assert.rejects(s.deleteObject(key, 'asymmetric-key'), isCode('INSUFFICIENT_PERMISSIONS'));
    await s.close();
    // the device key can be pinned
    await (await h.client.openAsymmetricSession(9, privateScalar(oce), { devicePublicKey })).close();

    // another private key: the receipt does not verify
    await assert.rejects(h.client.openAsymmetricSession(9, privateScalar(hostKey())), (e) => e instanceof YubiHsmSessionError);
    // a pinned device key that is not the device's: same
    await assert.rejects(
      h.client.openAsymmetricSession(9, privateScalar(oce), { devicePublicKey: hostKey().getPublicKey() }),
      (e) => e instanceof YubiHsmSessionError,
    );
    // the symmetric handshake with an asymmetric key, and the asymmetric one with a symmetric key
    await assert.rejects(h.client.openSession(9, 'password'), isCode('INVALID_DATA'));
    await assert.rejects(h.client.openAsymmetricSession(1, privateScalar(oce)), isCode('INVALID_DATA'));
    // not a point on P-256
    await assert.rejects(
      admin.putPublicAuthenticationKey({ label: 'bad', domains: [1], capabilities: [], publicKey: new Uint8Array(64).fill(7) }),
      isCode('INVALID_DATA'),
    );
    // an asymmetric authentication key is not exported under wrap here
    const wrap = await admin.generateWrapKey({
      label: 'w',
      domains: [1],
      capabilities: ['export-wrapped'],
      delegatedCapabilities: 'all',
      algorithm: 'aes256-ccm-wrap',
    });
    await assert.rejects(admin.exportWrapped(wrap, 'authentication-key', 9), isCode('INVALID_DATA'));
    await admin.close();
  } finally {
    await h.close();
  }
});

test('asymmetric authentication is firmware 2.3 and later; the device key survives a restart and ResetDevice', async () => {
  const old = await startHarness({ firmware: [2, 2, 0] });
  try {
    await assert.rejects(old.client.devicePublicKey(), isCode('INVALID_COMMAND'));
    assert.ok(!(await old.client.deviceInfo()).algorithms.map(Number).includes(49));
    const s = await old.client.openSession(1, 'password');
    await assert.rejects(
      s.putPublicAuthenticationKey({ label: 'asym', domains: [1], capabilities: [], publicKey: hostKey().getPublicKey() }),
      isCode('INVALID_DATA'),
    );
    await s.close();
  } finally {
    await old.close();
  }
  const dir = mkdtempSync(join(tmpdir(), 'sim-asym-'));
  try {
    const statePath = join(dir, 'state.json');
    const a = await startHarness({ statePath });
    const before = await a.client.devicePublicKey();
    assert.ok((await a.client.deviceInfo()).algorithms.map(Number).includes(49));
    const s = await a.client.openSession(1, 'password');
    await s.resetDevice();
    assert.deepEqual(await a.client.devicePublicKey(), before, 'kept across ResetDevice');
    await a.close();
    const b = await startHarness({ statePath });
    assert.deepEqual(await b.client.devicePublicKey(), before, 'kept in the state file');
    await b.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
