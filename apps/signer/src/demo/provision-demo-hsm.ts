import { CEREMONY_LAYOUT, YubiHsmClient, type Transport } from '@openkms/yubihsm';
import { ceremonyAuthKey, ceremonySeed, deriveCeremonySecrets, importCeremonySigningKey, provisionCeremonyDevice } from '@openkms/yubihsm/ceremony';
import { DEMO_LAYOUT } from './demo-config.js';

/**
 * Runs the original openKMS's ceremony on a factory-fresh (simulated) YubiHSM2 through the real driver: auth keys 1
 * (ceremony, replacing the factory key "password"), 2 (provisioner) and 3 (signer) and wrap key 1, all derived from
 * `mnemonic`; then the provisioner imports solana-hot-0, cosmos-hub-0 and evm-hot-0 derived at the layout's paths. Returns the
 * signer auth key's password (32 raw bytes). No factory or fixed credential is left on the device.
 */
export async function provisionDemoHsm(device: Transport | string, mnemonic: string): Promise<Uint8Array> {
  const client = new YubiHsmClient(typeof device === 'string' ? { url: device } : { transport: device });
  const seed = ceremonySeed(mnemonic);
  const secrets = deriveCeremonySecrets(seed);
  try {
    await provisionCeremonyDevice(client, secrets);
    const session = await client.openSession(CEREMONY_LAYOUT.provisioner.id, ceremonyAuthKey(secrets.provisionerPassword));
    try {
      await importCeremonySigningKey(session, seed, { id: DEMO_LAYOUT.solanaKeyId, label: 'solana-hot-0', curve: 'ed25519', path: DEMO_LAYOUT.solanaPath });
      await importCeremonySigningKey(session, seed, { id: DEMO_LAYOUT.cosmosKeyId, label: 'cosmos-hub-0', curve: 'secp256k1', path: DEMO_LAYOUT.cosmosPath });
      await importCeremonySigningKey(session, seed, { id: DEMO_LAYOUT.evmKeyId, label: 'evm-hot-0', curve: 'secp256k1', path: DEMO_LAYOUT.evmPath });
    } finally {
      await session.close().catch(() => undefined);
    }
    return secrets.signerPassword;
  } finally {
    seed.fill(0);
    await client.close();
  }
}
