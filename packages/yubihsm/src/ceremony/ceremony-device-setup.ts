import type { YubiHsmClient } from '../client/yubihsm-client.js';
import { objectTypeName } from '../protocol/object-type.js';
import { DEFAULT_AUTH_KEY_ID, DEFAULT_AUTH_KEY_PASSWORD } from '../protocol/limits.js';
import type { YubiHsmSession } from '../session/session.js';
import { CEREMONY_LAYOUT } from './ceremony-device-layout.js';
import { ceremonyError, isObjectNotFound, isWrongCredential, toCeremonyError } from './ceremony-errors.js';
import { CEREMONY_BRIDGE_AUTH_KEY_ID, provisionCeremonyDevice } from './ceremony-provisioning.js';
import { ceremonyAuthKey, type CeremonySecrets } from './ceremony-secrets.js';

/** What `setupCeremonyDevice` found and did. */
export interface CeremonySetupResult {
  /** `factory`: a device in its factory state; `ceremony`: already set up from this mnemonic. */
  readonly found: 'factory' | 'ceremony';
  /** `installed`: the layout was written; `unchanged`: the device already had the complete layout and no signing keys. */
  readonly action: 'installed' | 'unchanged';
  /** True when the device was factory-reset first (--force, or an incomplete layout without signing keys). */
  readonly reset: boolean;
  /** Signing keys the device held before (erased when `reset`). */
  readonly signingKeysBefore: number;
}

export interface CeremonySetupOptions {
  /** Reset a device that holds signing keys or foreign objects (they are erased). */
  readonly force?: boolean;
  /** Password of the factory auth key 1 (default "password"). */
  readonly factoryPassword?: string;
  /** Progress: called before each step that talks to the device. */
  readonly onStep?: (step: string) => void;
  /** How long to wait for the device to come back after a reset (default 30 s). */
  readonly resetTimeoutMs?: number;
}

/**
 * Installs the ceremony layout (auth keys 1/2/3, wrap key 1, all from `secrets`; see provisionCeremonyDevice) and
 * removes the factory key, safely re-runnable:
 * - a device in its factory state (auth key 1 opens with the factory password) and nothing else on it: installed;
 * - a device already set up from this mnemonic: nothing to do when the layout is complete and no signing key is on it
 *   (`unchanged`); an incomplete layout (an interrupted setup) is reset and installed again;
 * - signing keys on the device, or objects that would clash with the layout: refused (`device_not_empty` /
 *   `object_exists`) unless `force`, which factory-resets the device first (erasing them);
 * - auth key 1 opens with neither the factory password nor this mnemonic's ceremony key: `wrong_mnemonic`.
 */
export async function setupCeremonyDevice(client: YubiHsmClient, secrets: CeremonySecrets, opts: CeremonySetupOptions = {}): Promise<CeremonySetupResult> {
  const step = opts.onStep ?? (() => undefined);
  const factoryPassword = opts.factoryPassword ?? DEFAULT_AUTH_KEY_PASSWORD;
  step('opening a session with the ceremony key derived from the mnemonic');
  const ceremony = await tryOpen(client, CEREMONY_LAYOUT.ceremony.id, ceremonyAuthKey(secrets.ceremonyPassword));
  if (ceremony) {
    let signingKeys: number;
    let complete: boolean;
    try {
      const objects = await ceremony.listObjects();
      signingKeys = objects.filter((o) => objectTypeName(o.type) === 'asymmetric-key').length;
      const has = (type: string, id: number) => objects.some((o) => objectTypeName(o.type) === type && o.id === id);
      complete =
        has('authentication-key', CEREMONY_LAYOUT.provisioner.id) &&
        has('authentication-key', CEREMONY_LAYOUT.signer.id) &&
        has('wrap-key', CEREMONY_LAYOUT.wrap.id) &&
        !has('authentication-key', CEREMONY_BRIDGE_AUTH_KEY_ID);
      if (signingKeys > 0 && !opts.force) {
        throw ceremonyError(
          'device_not_empty',
          `the device is already set up from this mnemonic and holds ${signingKeys} signing key(s); setup changes nothing on it (--force factory-resets the device and ERASES them)`,
          { signing_keys: signingKeys },
        );
      }
      if (complete && !opts.force) return { found: 'ceremony', action: 'unchanged', reset: false, signingKeysBefore: 0 };
      step('factory-resetting the device');
      await ceremony.resetDevice();
    } catch (err) {
      throw toCeremonyError(err, 'setup');
    } finally {
      await ceremony.close().catch(() => undefined);
    }
    await install(client, secrets, factoryPassword, opts, step);
    return { found: 'ceremony', action: 'installed', reset: true, signingKeysBefore: signingKeys };
  }
  step('opening a session with the factory auth key 1');
  const factory = await tryOpen(client, DEFAULT_AUTH_KEY_ID, factoryPassword);
  if (!factory) {
    throw ceremonyError(
      'wrong_mnemonic',
      'the device is not in its factory state and its auth key 1 was not derived from this mnemonic (wrong mnemonic or passphrase, or a device set up by something else)',
      { auth_key_id: DEFAULT_AUTH_KEY_ID },
    );
  }
  let signingKeys = 0;
  let reset = false;
  try {
    const objects = await factory.listObjects();
    signingKeys = objects.filter((o) => objectTypeName(o.type) === 'asymmetric-key').length;
    const others = objects.filter((o) => !(objectTypeName(o.type) === 'authentication-key' && o.id === DEFAULT_AUTH_KEY_ID));
    if (others.length > 0 && !opts.force) {
      if (signingKeys > 0) {
        throw ceremonyError(
          'device_not_empty',
          `the device holds ${signingKeys} signing key(s); setup refuses to change it (--force factory-resets the device and ERASES them)`,
          {
            signing_keys: signingKeys,
          },
        );
      }
      const first = others[0]!;
      throw ceremonyError(
        'object_exists',
        `the device already holds ${others.length} object(s) besides the factory key (e.g. ${objectTypeName(first.type) ?? first.type} 0x${first.id.toString(16).padStart(4, '0')}; an interrupted setup?); --force factory-resets it first`,
        { objects: others.length },
      );
    }
    if (others.length > 0) {
      step('factory-resetting the device');
      await factory.resetDevice();
      reset = true;
    }
  } catch (err) {
    throw toCeremonyError(err, 'setup');
  } finally {
    await factory.close().catch(() => undefined);
  }
  await install(client, secrets, factoryPassword, opts, step);
  return { found: 'factory', action: 'installed', reset, signingKeysBefore: signingKeys };
}

async function install(
  client: YubiHsmClient,
  secrets: CeremonySecrets,
  factoryPassword: string,
  opts: CeremonySetupOptions,
  step: (s: string) => void,
): Promise<void> {
  step('waiting for the device in its factory state');
  await waitForFactoryState(client, factoryPassword, opts.resetTimeoutMs ?? 30_000);
  step('installing auth keys 1 (ceremony), 2 (provisioner), 3 (signer) and wrap key 1; removing the factory key');
  try {
    await provisionCeremonyDevice(client, secrets, { factoryPassword });
  } catch (err) {
    throw toCeremonyError(err, 'setup');
  }
}

/** Polls until the factory key opens (a real device reboots after a reset). */
async function waitForFactoryState(client: YubiHsmClient, password: string, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      const s = await client.openSession(DEFAULT_AUTH_KEY_ID, password);
      await s.close().catch(() => undefined);
      return;
    } catch (err) {
      if (Date.now() > end) throw toCeremonyError(err, 'setup (waiting for the device after a reset)');
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/** Opens a session, or undefined when the auth key does not exist or rejects the credential. Device faults throw. */
async function tryOpen(client: YubiHsmClient, id: number, secret: Parameters<YubiHsmClient['openSession']>[1]): Promise<YubiHsmSession | undefined> {
  try {
    return await client.openSession(id, secret);
  } catch (err) {
    if (isWrongCredential(err) || isObjectNotFound(err)) return undefined;
    throw toCeremonyError(err, 'setup', { auth_key_id: id });
  }
}

/** The roles a ceremony CLI command can log in as, with their layout ids. */
export type CeremonyRole = 'ceremony' | 'provisioner' | 'signer';

/**
 * Opens a session as a ceremony role with its mnemonic-derived key. A rejected credential is `wrong_mnemonic` (the
 * device's key was not derived from this mnemonic), a missing key too (the device is not set up).
 */
export async function openCeremonyRoleSession(client: YubiHsmClient, secrets: CeremonySecrets, role: CeremonyRole): Promise<YubiHsmSession> {
  const id = CEREMONY_LAYOUT[role].id;
  const password = role === 'ceremony' ? secrets.ceremonyPassword : role === 'provisioner' ? secrets.provisionerPassword : secrets.signerPassword;
  try {
    return await client.openSession(id, ceremonyAuthKey(password));
  } catch (err) {
    if (isWrongCredential(err))
      throw ceremonyError(
        'wrong_mnemonic',
        `the device's ${role} auth key (${id}) was not derived from this mnemonic (wrong mnemonic or passphrase)`,
        { auth_key_id: id },
        err,
      );
    if (isObjectNotFound(err))
      throw ceremonyError('wrong_mnemonic', `the device has no ${role} auth key (${id}): it is not set up (run openkms setup)`, { auth_key_id: id }, err);
    throw toCeremonyError(err, `opening a ${role} session`, { auth_key_id: id });
  }
}
