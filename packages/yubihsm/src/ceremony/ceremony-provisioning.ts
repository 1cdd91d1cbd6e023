import { randomBytes } from 'node:crypto';
import type { YubiHsmClient } from '../client/yubihsm-client.js';
import type { YubiHsmSession } from '../session/session.js';
import { DEFAULT_AUTH_KEY_ID, DEFAULT_AUTH_KEY_PASSWORD } from '../protocol/limits.js';
import { CEREMONY_LAYOUT } from './ceremony-device-layout.js';
import { ceremonyAuthKey, type CeremonySecrets } from './ceremony-secrets.js';
import { deriveEd25519Key, deriveSecp256k1Key } from './signing-key-paths.js';

/** Auth key id used only while the factory key 1 is replaced by the ceremony key 1 (deleted before returning). */
export const CEREMONY_BRIDGE_AUTH_KEY_ID = 0xfffe;

export interface ProvisionCeremonyOptions {
  /** Password of the factory authentication key 1 (default "password", the reset state). */
  readonly factoryPassword?: string;
}

/**
 * Installs the ceremony layout on a device in its factory state (auth key 1 = "password"): provisioner (2) and signer
 * (3) auth keys and wrap key 1 from `secrets`, then replaces the factory key 1 by the ceremony key 1. Key 1 cannot be
 * overwritten in place, so a bridge auth key with a random password deletes the factory key and puts the ceremony
 * key, and the ceremony key then deletes the bridge. Afterwards no factory or random credential remains.
 */
export async function provisionCeremonyDevice(client: YubiHsmClient, secrets: CeremonySecrets, opts: ProvisionCeremonyOptions = {}): Promise<void> {
  const L = CEREMONY_LAYOUT;
  const bridgePassword = randomBytes(32);
  await withSession(client, DEFAULT_AUTH_KEY_ID, opts.factoryPassword ?? DEFAULT_AUTH_KEY_PASSWORD, async (s) => {
    for (const [role, password] of [
      [L.provisioner, secrets.provisionerPassword],
      [L.signer, secrets.signerPassword],
    ] as const) {
      await s.putAuthenticationKey({ ...role, secret: ceremonyAuthKey(password) });
    }
    await s.putWrapKey({ ...L.wrap, algorithm: 'aes256-ccm-wrap', key: secrets.wrapKey });
    await s.putAuthenticationKey({
      id: CEREMONY_BRIDGE_AUTH_KEY_ID,
      label: 'openkms-ceremony-bridge',
      domains: 'all',
      capabilities: ['put-authentication-key', 'delete-authentication-key'],
      delegatedCapabilities: 'all',
      secret: { password: bridgePassword },
    });
  });
  await withSession(client, CEREMONY_BRIDGE_AUTH_KEY_ID, { password: bridgePassword }, async (s) => {
    await s.deleteObject(DEFAULT_AUTH_KEY_ID, 'authentication-key');
    await s.putAuthenticationKey({ ...L.ceremony, secret: ceremonyAuthKey(secrets.ceremonyPassword) });
  });
  await withSession(client, L.ceremony.id, ceremonyAuthKey(secrets.ceremonyPassword), (s) => s.deleteObject(CEREMONY_BRIDGE_AUTH_KEY_ID, 'authentication-key'));
}

export interface CeremonySigningKey {
  readonly id: number;
  readonly label: string;
  /** `ed25519` (SLIP-10, Solana) or `secp256k1` (BIP-32, Cosmos/EVM). */
  readonly curve: 'ed25519' | 'secp256k1';
  readonly path: string;
}

/**
 * Derives a signing key from the BIP-39 seed at its path and imports it (domain 1, exportable under wrap) through a
 * session with put-asymmetric-key (the provisioner's). Returns the object id.
 */
export async function importCeremonySigningKey(session: YubiHsmSession, seed: Uint8Array, key: CeremonySigningKey): Promise<number> {
  const ed = key.curve === 'ed25519';
  const secret = ed ? deriveEd25519Key(seed, key.path) : deriveSecp256k1Key(seed, key.path);
  try {
    return await session.putAsymmetricKey({
      id: key.id,
      label: key.label,
      domains: [CEREMONY_LAYOUT.signingDomain],
      capabilities: [ed ? 'sign-eddsa' : 'sign-ecdsa', 'exportable-under-wrap'],
      algorithm: ed ? 'ed25519' : 'eck256',
      key: secret,
    });
  } finally {
    secret.fill(0);
  }
}

async function withSession<T>(
  client: YubiHsmClient,
  id: number,
  secret: Parameters<YubiHsmClient['openSession']>[1],
  fn: (s: YubiHsmSession) => Promise<T>,
): Promise<T> {
  const s = await client.openSession(id, secret);
  try {
    return await fn(s);
  } finally {
    await s.close().catch(() => undefined);
  }
}
