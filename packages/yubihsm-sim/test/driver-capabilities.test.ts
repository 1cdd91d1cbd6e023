import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ed25519 } from '@noble/curves/ed25519.js';
import { YubiHsmDeviceError } from '@openkms/yubihsm';
import { startHarness } from './driver-harness.js';

const denied = (e: unknown): boolean => e instanceof YubiHsmDeviceError && e.codeName === 'INSUFFICIENT_PERMISSIONS' && !e.outer;

test('a sign-only auth key can sign but cannot export, delete, put or reset', async () => {
  const h = await startHarness();
  try {
    const admin = await h.client.openSession(1, 'password');
    const keyId = await admin.generateAsymmetricKey({
      id: 0x10,
      label: 'k',
      domains: [1],
      capabilities: ['sign-eddsa', 'exportable-under-wrap'],
      algorithm: 'ed25519',
    });
    const wrapId = await admin.putWrapKey({
      id: 0x20,
      label: 'w',
      domains: [1],
      capabilities: ['export-wrapped', 'import-wrapped'],
      delegatedCapabilities: 'all',
      algorithm: 'aes128-ccm-wrap',
      key: new Uint8Array(16).fill(1),
    });
    await admin.putAuthenticationKey({
      id: 3,
      label: 'sign-only',
      domains: [1],
      capabilities: ['sign-eddsa', 'sign-ecdsa'],
      delegatedCapabilities: [],
      secret: { password: 'sign-only' },
    });
    const pub = (await admin.getPublicKey(keyId)).publicKey;

    const signer = await h.client.openSession(3, 'sign-only');
    const msg = new Uint8Array([1, 2, 3]);
    assert.ok(ed25519.verify(await signer.signEddsa(keyId, msg), msg, pub));
    await assert.rejects(signer.exportWrapped(wrapId, 'asymmetric-key', keyId), denied);
    await assert.rejects(signer.deleteObject(keyId, 'asymmetric-key'), denied);
    await assert.rejects(
      signer.putAsymmetricKey({ id: 0x11, domains: [1], capabilities: ['sign-eddsa'], algorithm: 'ed25519', key: new Uint8Array(32).fill(5) }),
      denied,
    );
    await assert.rejects(signer.generateAsymmetricKey({ domains: [1], capabilities: ['sign-eddsa'], algorithm: 'ed25519' }), denied);
    await assert.rejects(signer.putAuthenticationKey({ id: 4, domains: [1], capabilities: 'all', secret: { password: 'x' } }), denied);
    await assert.rejects(signer.resetDevice(), denied);
    await assert.rejects(signer.getPseudoRandom(4), denied);
    // every refusal came back inside the envelope: the session is still good
    assert.ok(ed25519.verify(await signer.signEddsa(keyId, msg), msg, pub));
    // objects outside the auth key's domains look missing
    const other = await admin.generateAsymmetricKey({ id: 0x12, domains: [2], capabilities: ['sign-eddsa'], algorithm: 'ed25519' });
    await assert.rejects(signer.signEddsa(other, msg), { codeName: 'OBJECT_NOT_FOUND' });
    // the key still exists for the admin
    assert.equal((await admin.listObjects({ id: keyId, type: 'asymmetric-key' })).length, 1);
  } finally {
    await h.close();
  }
});
