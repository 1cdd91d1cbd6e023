import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { ed25519 } from '@noble/curves/ed25519.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { CEREMONY_LAYOUT, cosmosDerivationPath, solanaDerivationPath } from '@openkms/yubihsm';
import {
  CEREMONY_BRIDGE_AUTH_KEY_ID,
  ceremonyAuthKey,
  ceremonySeed,
  deriveCeremonySecrets,
  deriveEd25519Key,
  deriveSecp256k1Key,
  importCeremonySigningKey,
  provisionCeremonyDevice,
} from '@openkms/yubihsm/ceremony';
import { startHarness, type SimHarness } from './driver-harness.js';

const MNEMONIC = 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about';
let h: SimHarness;
after(async () => {
  await h?.close();
});

test('the ceremony layout on a factory device: auth keys 1/2/3 and wrap key 1 from the mnemonic, factory key gone', async () => {
  h = await startHarness();
  const seed = ceremonySeed(MNEMONIC);
  const secrets = deriveCeremonySecrets(seed);
  await provisionCeremonyDevice(h.client, secrets);

  await assert.rejects(h.client.openSession(1, 'password'), 'the factory password no longer opens key 1');
  const ceremony = await h.client.openSession(CEREMONY_LAYOUT.ceremony.id, ceremonyAuthKey(secrets.ceremonyPassword));
  const objects = (await ceremony.listObjects()).map((o) => `${o.type}:${o.id}`).sort();
  assert.deepEqual(objects, ['2:1', '2:2', '2:3', '4:1'], 'auth keys 1, 2, 3 and wrap key 1; no bridge key');
  assert.ok(!objects.includes(`2:${CEREMONY_BRIDGE_AUTH_KEY_ID}`));
  await ceremony.close();

  // the provisioner imports the derived signing keys; the signer signs with them
  const prov = await h.client.openSession(2, ceremonyAuthKey(secrets.provisionerPassword));
  await importCeremonySigningKey(prov, seed, { id: 0x0101, label: 'solana-hot-0', curve: 'ed25519', path: solanaDerivationPath(0) });
  await importCeremonySigningKey(prov, seed, { id: 0x0100, label: 'cosmos-hub-0', curve: 'secp256k1', path: cosmosDerivationPath(0) });
  await prov.close();
  const signer = await h.client.openSession(3, { password: secrets.signerPassword });
  const sol = await signer.getPublicKey(0x0101);
  assert.deepEqual(sol.publicKey, ed25519.getPublicKey(deriveEd25519Key(seed, solanaDerivationPath(0))));
  const atom = await signer.getPublicKey(0x0100);
  assert.deepEqual(atom.publicKey, secp256k1.getPublicKey(deriveSecp256k1Key(seed, cosmosDerivationPath(0)), false).slice(1));
  const sig = await signer.signEddsa(0x0101, new Uint8Array([1, 2, 3]));
  assert.ok(ed25519.verify(sig, new Uint8Array([1, 2, 3]), sol.publicKey));
  // the signer key may not manage keys
  await assert.rejects(signer.deleteObject(0x0101, 'asymmetric-key'));
  await signer.close();
});
