import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { CEREMONY_LAYOUT } from '@openkms/yubihsm';
import { ceremonyAuthKey, ceremonySeed, deriveCeremonySecrets, setupCeremonyDevice } from '@openkms/yubihsm/ceremony';
import { ED_SEED, startHarness, type SimHarness } from './driver-harness.js';

const secrets = deriveCeremonySecrets(ceremonySeed('abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about'));
const reason = (r: string) => (e: { context?: { reason?: string } }) => e.context?.reason === r;
let h: SimHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function objects(harness: SimHarness): Promise<string[]> {
  const s = await harness.client.openSession(1, ceremonyAuthKey(secrets.ceremonyPassword));
  const list = (await s.listObjects()).map((o) => `${o.type}:${o.id}`).sort();
  await s.close();
  return list;
}

test('a factory device with a signing key is refused (device_not_empty) and untouched; --force resets it first', async () => {
  h = await startHarness();
  const f = await h.client.openSession(1, 'password');
  await f.putAsymmetricKey({ id: 0x64, label: 'old', domains: [1], capabilities: ['sign-eddsa'], algorithm: 'ed25519', key: ED_SEED });
  await f.close();
  await assert.rejects(setupCeremonyDevice(h.client, secrets), reason('device_not_empty'));
  const still = await h.client.openSession(1, 'password');
  assert.equal((await still.getPublicKey(0x64)).publicKey.length, 32, 'nothing changed');
  await still.close();
  const steps: string[] = [];
  const r = await setupCeremonyDevice(h.client, secrets, { force: true, onStep: (s) => steps.push(s) });
  assert.deepEqual([r.found, r.action, r.reset, r.signingKeysBefore], ['factory', 'installed', true, 1]);
  assert.ok(steps.includes('factory-resetting the device'));
  assert.deepEqual(await objects(h), ['2:1', '2:2', '2:3', '4:1']);
});

test('an interrupted setup (layout objects beside the factory key) is object_exists; with force it completes', async () => {
  h = await startHarness();
  const f = await h.client.openSession(1, 'password');
  await f.putAuthenticationKey({ ...CEREMONY_LAYOUT.provisioner, secret: ceremonyAuthKey(secrets.provisionerPassword) });
  await f.close();
  await assert.rejects(setupCeremonyDevice(h.client, secrets), reason('object_exists'));
  const r = await setupCeremonyDevice(h.client, secrets, { force: true });
  assert.equal(r.action, 'installed');
  assert.deepEqual(await objects(h), ['2:1', '2:2', '2:3', '4:1']);
});

test('a set-up device with an incomplete layout and no signing key is reset and installed again; complete: unchanged', async () => {
  h = await startHarness();
  await setupCeremonyDevice(h.client, secrets);
  assert.equal((await setupCeremonyDevice(h.client, secrets)).action, 'unchanged');
  const c = await h.client.openSession(1, ceremonyAuthKey(secrets.ceremonyPassword));
  await c.deleteObject(CEREMONY_LAYOUT.signer.id, 'authentication-key');
  await c.close();
  const r = await setupCeremonyDevice(h.client, secrets);
  assert.deepEqual([r.found, r.action, r.reset], ['ceremony', 'installed', true]);
  assert.deepEqual(await objects(h), ['2:1', '2:2', '2:3', '4:1']);
});

test('another mnemonic on a set-up device is wrong_mnemonic; a stopped connector is no_device', async () => {
  h = await startHarness();
  await setupCeremonyDevice(h.client, secrets);
  const other = deriveCeremonySecrets(ceremonySeed('legal winner thank year wave sausage worth useful legal winner thank yellow'));
  await assert.rejects(setupCeremonyDevice(h.client, other), reason('wrong_mnemonic'));
  await h.stopServer();
  await assert.rejects(setupCeremonyDevice(h.client, secrets), reason('no_device'));
});
