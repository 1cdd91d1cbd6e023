import { test } from 'node:test';
import assert from 'node:assert/strict';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import {
  ALL_CAPABILITIES_MASK,
  capabilityMask,
  compressSecp256k1PublicKey,
  normalizeSecp256k1Signature,
  SIMULATED_PART_NUMBER,
  verifyLogChain,
  YubiHsmDeviceError,
} from '@openkms/yubihsm';
import { startHarness, hex, toHex } from './driver-harness.js';

test('every driver command against the simulator over real HTTP', async () => {
  const h = await startHarness({ serial: 12345678 });
  try {
    const { client } = h;
    // connector + clear commands
    const status = await client.status();
    assert.ok(status.ok);
    assert.equal(status.status, 'OK');
    assert.equal(toHex(await client.echo(hex('00ff10'))), '00ff10');
    const d = await client.describe();
    assert.equal(d.serial, 12345678);
    assert.equal(d.partNumber, SIMULATED_PART_NUMBER);
    assert.equal(d.simulated, true);
    assert.ok(d.info.algorithms.includes(46) && d.info.algorithms.includes(15));

    const s = await client.openSession(1, 'password');
    assert.equal(s.id, 0);
    assert.equal(toHex(await s.echo(hex('ff'))), 'ff');
    assert.equal((await s.getPseudoRandom(33)).length, 33);

    // default auth key as the device reports it
    const auth = await s.getObjectInfo(1, 'authentication-key');
    assert.equal(auth.label, 'DEFAULT AUTHKEY CHANGE THIS ASAP');
    assert.equal(auth.domains, 0xffff);
    assert.equal(auth.algorithm, 38);
    assert.equal(auth.capabilities & ALL_CAPABILITIES_MASK, ALL_CAPABILITIES_MASK);

    // generate ed25519 + secp256k1 keys (device picks the id for one)
    const edId = await s.generateAsymmetricKey({
      id: 0x64,
      label: 'ed',
      domains: [1],
      capabilities: ['sign-eddsa', 'exportable-under-wrap'],
      algorithm: 'ed25519',
    });
    assert.equal(edId, 0x64);
    const kId = await s.generateAsymmetricKey({ label: 'k1', domains: [1, 2], capabilities: ['sign-ecdsa'], algorithm: 'eck256' });
    assert.ok(kId > 0 && kId !== edId);
    const edInfo = await s.getObjectInfo(edId, 'asymmetric-key');
    assert.equal(edInfo.label, 'ed');
    assert.equal(edInfo.algorithm, 46);
    assert.equal(edInfo.origin, 0x01);
    assert.equal(edInfo.capabilities, capabilityMask(['sign-eddsa', 'exportable-under-wrap']));

    const edPub = (await s.getPublicKey(edId)).publicKey;
    const msg = new TextEncoder().encode('openkms');
    assert.ok(ed25519.verify(await s.signEddsa(edId, msg), msg, edPub));
    const kPub = await s.getPublicKey(kId);
    assert.equal(kPub.algorithm, 15);
    assert.equal(kPub.publicKey.length, 64);
    const digest = new Uint8Array(32).fill(0x42);
    const der = await s.signEcdsa(kId, digest);
    const norm = normalizeSecp256k1Signature(der, digest, compressSecp256k1PublicKey(kPub.publicKey));
    assert.ok(secp256k1.verify(norm.signature, digest, compressSecp256k1PublicKey(kPub.publicKey), { prehash: false }));

    // list with filters
    const all = await s.listObjects();
    assert.ok(all.some((e) => e.id === 1 && e.type === 2));
    const eds = await s.listObjects({ type: 'asymmetric-key', algorithm: 'ed25519' });
    assert.deepEqual(
      eds.map((e) => e.id),
      [edId],
    );
    assert.deepEqual(
      (await s.listObjects({ label: 'k1' })).map((e) => e.id),
      [kId],
    );
    assert.deepEqual(
      (await s.listObjects({ domains: [2], type: 'asymmetric-key' })).map((e) => e.id),
      [kId],
    );
    assert.deepEqual((await s.listObjects({ id: edId, type: 'asymmetric-key' })).length, 1);

    // auth key from a password, then a session with it
    const authId = await s.putAuthenticationKey({ id: 3, label: 'signer', domains: [1], capabilities: ['sign-eddsa'], secret: { password: 'signer-pw' } });
    assert.equal(authId, 3);
    const s3 = await client.openSession(3, 'signer-pw');
    assert.ok(ed25519.verify(await s3.signEddsa(edId, msg), msg, edPub));
    await s3.close();

    // wrap keys: put and generate; export → delete → import round trip
    const wrapId = await s.putWrapKey({
      id: 0x200,
      label: 'wrap',
      domains: [1],
      capabilities: ['export-wrapped', 'import-wrapped'],
      delegatedCapabilities: 'all',
      algorithm: 'aes256-ccm-wrap',
      key: new Uint8Array(32).fill(9),
    });
    const genWrap = await s.generateWrapKey({
      label: 'gen-wrap',
      domains: [1],
      capabilities: ['export-wrapped'],
      delegatedCapabilities: ['sign-eddsa'],
      algorithm: 'aes128-ccm-wrap',
    });
    assert.ok(genWrap > 0);
    const wrapped = await s.exportWrapped(wrapId, 'asymmetric-key', edId);
    assert.ok(wrapped.length > 13 + 16);
    await s.deleteObject(edId, 'asymmetric-key');
    await assert.rejects(s.getPublicKey(edId), (e: unknown) => e instanceof YubiHsmDeviceError && e.codeName === 'OBJECT_NOT_FOUND');
    assert.deepEqual(await s.importWrapped(wrapId, wrapped), { type: 3, id: edId });
    assert.equal(toHex((await s.getPublicKey(edId)).publicKey), toHex(edPub));
    assert.equal((await s.getObjectInfo(edId, 'asymmetric-key')).origin & 0x10, 0x10);
    assert.ok(ed25519.verify(await s.signEddsa(edId, msg), msg, edPub));

    // options, blink, logs
    await assert.rejects(s.getOption('fips-mode'), { codeName: 'INVALID_DATA' });
    await s.setOption('command-audit', hex('0601')); // command 0x06 → on
    assert.ok((await s.getOption('command-audit')).length % 2 === 0);
    await s.blinkDevice(1);
    const log = await s.getLogEntries();
    assert.ok(log.entries.length > 0);
    assert.equal(verifyLogChain(log.entries), -1);
    const last = log.entries[log.entries.length - 1]!;
    await s.setLogIndex(last.number);
    const after = await s.getLogEntries();
    assert.ok(after.entries.every((e) => e.number > last.number));

    // reset: everything but the default auth key is gone
    await s.resetDevice();
    assert.ok(s.closed);
    const s2 = await client.openSession(1, 'password');
    assert.deepEqual(
      (await s2.listObjects()).map((e) => [e.id, e.type]),
      [[1, 2]],
    );
    await s2.close();
    await assert.rejects(s2.echo(hex('00')), { reason: 'closed' });
  } finally {
    await h.close();
  }
});

test('CloseSession frees the slot; a wrong password never authenticates', async () => {
  const h = await startHarness();
  try {
    const a = await h.client.openSession(1, 'password');
    assert.equal(h.sim.sessionCount, 1);
    await a.close();
    assert.equal(h.sim.sessionCount, 0);
    await assert.rejects(h.client.openSession(1, 'wrong'), { name: 'YubiHsmSessionError', reason: 'card_cryptogram_mismatch' });
    await assert.rejects(h.client.openSession(7, 'password'), { name: 'YubiHsmDeviceError', codeName: 'OBJECT_NOT_FOUND' });
  } finally {
    await h.close();
  }
});
