import { randomBytes } from 'node:crypto';
import { YubiHsmClient } from '@openkms/yubihsm';
import { DEMO_LAYOUT } from './demo-config.js';

const FACTORY_AUTH_KEY = 1;
const FACTORY_PASSWORD = 'password';

/**
 * Provisions a fresh (simulated) YubiHSM2 the way an operator's ceremony would, through the real driver over the
 * connector protocol: a sign-only authentication key for the signer, one Ed25519 and one secp256k1 key generated
 * inside the device, and an AES-256-CCM wrap key for backups. Returns the signer auth key's password.
 *
 * The factory authentication key (1, "password") is left in place so the demo device can be inspected with
 * yubihsm-shell; a real ceremony replaces it.
 */
export async function provisionDemoHsm(connectorUrl: string): Promise<string> {
  const client = new YubiHsmClient({ url: connectorUrl });
  const session = await client.openSession(FACTORY_AUTH_KEY, FACTORY_PASSWORD);
  try {
    const password = randomBytes(24).toString('base64url');
    const domains = [DEMO_LAYOUT.signingDomain];
    await session.putAuthenticationKey({
      id: DEMO_LAYOUT.signerAuthKeyId,
      label: 'openkms-signer',
      domains,
      capabilities: ['sign-eddsa', 'sign-ecdsa', 'get-pseudo-random'],
      delegatedCapabilities: [],
      secret: { password },
    });
    await session.generateAsymmetricKey({
      id: DEMO_LAYOUT.solanaKeyId,
      label: 'solana-hot-0',
      domains,
      capabilities: ['sign-eddsa', 'exportable-under-wrap'],
      algorithm: 'ed25519',
    });
    await session.generateAsymmetricKey({
      id: DEMO_LAYOUT.cosmosKeyId,
      label: 'cosmos-hub-0',
      domains,
      capabilities: ['sign-ecdsa', 'exportable-under-wrap'],
      algorithm: 'eck256',
    });
    await session.generateWrapKey({
      id: DEMO_LAYOUT.wrapKeyId,
      label: 'openkms-backup-wrap',
      domains,
      capabilities: ['export-wrapped', 'import-wrapped'],
      delegatedCapabilities: ['sign-eddsa', 'sign-ecdsa', 'exportable-under-wrap'],
      algorithm: 'aes256-ccm-wrap',
    });
    return password;
  } finally {
    await session.close().catch(() => undefined);
    await client.close();
  }
}
