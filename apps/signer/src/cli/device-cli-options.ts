import { readFileSync, statSync } from 'node:fs';
import { ErrorCode, openKmsError } from '@openkms/core';
import { CEREMONY_LAYOUT, readPasswordFile, YubiHsmClient, type YubiHsmSession } from '@openkms/yubihsm';
import {
  ceremonyError,
  ceremonySeed,
  deriveCeremonySecrets,
  isWrongCredential,
  openCeremonyRoleSession,
  toCeremonyError,
  type CeremonyRole,
  type CeremonySecrets,
} from '@openkms/yubihsm/ceremony';
import { loadConfig } from '../config/load-config.js';
import { userPath } from './cli-context.js';
import { flag, UsageError, type ParsedArgs } from './parse-args.js';

/** The default connector when neither --connector nor a config names one (yubihsm-connector's default). */
export const DEFAULT_CLI_CONNECTOR = 'http://127.0.0.1:12345';

/** Options every device command takes. */
export const DEVICE_OPTIONS = ['connector', 'config'] as const;
/** Options of commands that log in: mnemonic-derived credentials, or an auth key id and its password file. */
export const CREDENTIAL_OPTIONS = ['mnemonic-file', 'passphrase-file', 'password-file', 'auth-key-id', 'password-encoding'] as const;

export const DEVICE_OPTIONS_HELP = `Device options:
  --connector URL          the yubihsm-connector (default: the config's first yubihsm connector, else ${DEFAULT_CLI_CONNECTOR})
  --config FILE            read the connector from this signer config
Credentials (derived from the mnemonic unless a password file is given):
  --mnemonic-file FILE     the BIP-39 mnemonic (file mode 0600); the auth key is derived from it as setup installed it
  --passphrase-file FILE   the optional BIP-39 passphrase (surrounding whitespace ignored, as the original openKMS does)
  --password-file FILE     instead: the password of --auth-key-id (0600; --password-encoding utf8|hex, default utf8)
  --auth-key-id N          the auth key a password file belongs to (default: the command's role in the ceremony layout)`;

/** --connector, else the config's first yubihsm backend connector, else the default. */
export async function resolveConnector(args: ParsedArgs): Promise<string> {
  const explicit = flag(args, 'connector');
  if (explicit) {
    if (!/^https?:\/\//.test(explicit)) throw new UsageError('--connector must be an http:// or https:// URL');
    return explicit;
  }
  const config = flag(args, 'config');
  if (config) {
    const c = await loadConfig(userPath(config));
    for (const b of Object.values(c.backends)) {
      const connectors = b.kind === 'yubihsm' ? (b.options.connectors as readonly string[] | undefined) : undefined;
      if (connectors?.[0]) return connectors[0];
    }
  }
  return DEFAULT_CLI_CONNECTOR;
}

export function deviceClient(connector: string): YubiHsmClient {
  return new YubiHsmClient({ url: connector, timeoutMs: 15_000 });
}

/**
 * Reads a secret file (mnemonic, passphrase): refused when others can read it. Errors name the file, never its content.
 */
export function readSecretText(path: string, what: string): string {
  const file = userPath(path);
  let mode: number;
  try {
    mode = statSync(file).mode & 0o777;
  } catch (err) {
    throw openKmsError(ErrorCode.insecureFile, `${what} file ${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`, { file });
  }
  if (mode & 0o077)
    throw openKmsError(ErrorCode.insecureFile, `${what} file ${file} has mode ${mode.toString(8).padStart(4, '0')}; it must be 0600 (chmod 600 ${file})`, {
      file,
    });
  return readFileSync(file, 'utf8');
}

/** The ceremony secrets from --mnemonic-file and --passphrase-file (the passphrase trimmed, like the original's). */
export function readCeremonySecrets(args: ParsedArgs): { seed: Uint8Array; secrets: CeremonySecrets } {
  const mnemonicFile = flag(args, 'mnemonic-file');
  if (!mnemonicFile) throw new UsageError('--mnemonic-file FILE is required');
  const passphraseFile = flag(args, 'passphrase-file');
  const passphrase = passphraseFile ? readSecretText(passphraseFile, 'passphrase').trim() : '';
  const seed = ceremonySeed(readSecretText(mnemonicFile, 'mnemonic'), passphrase);
  return { seed, secrets: deriveCeremonySecrets(seed) };
}

/**
 * Opens a session for a command acting as `role`: with --password-file, auth key --auth-key-id (default the role's id)
 * and that password; else the role's key derived from --mnemonic-file.
 */
export async function openRoleSession(client: YubiHsmClient, args: ParsedArgs, role: CeremonyRole): Promise<YubiHsmSession> {
  const passwordFile = flag(args, 'password-file');
  if (passwordFile) {
    const id = authKeyIdOf(args) ?? CEREMONY_LAYOUT[role].id;
    const encoding = flag(args, 'password-encoding') ?? 'utf8';
    if (encoding !== 'utf8' && encoding !== 'hex') throw new UsageError('--password-encoding must be utf8 or hex');
    const password = readPasswordFile(userPath(passwordFile), encoding, '--password-file');
    try {
      return await client.openSession(id, { password });
    } catch (err) {
      if (isWrongCredential(err))
        throw ceremonyError(
          'authentication_failed',
          `auth key ${id} rejected the password of --password-file (wrong password or --auth-key-id)`,
          { auth_key_id: id },
          err,
        );
      if ((err as { codeName?: string }).codeName === 'OBJECT_NOT_FOUND')
        throw ceremonyError('authentication_failed', `the device has no auth key ${id}`, { auth_key_id: id }, err);
      throw toCeremonyError(err, 'opening a session', { auth_key_id: id });
    }
  }
  if (!flag(args, 'mnemonic-file')) throw new UsageError('give --mnemonic-file FILE (or --password-file FILE with --auth-key-id N)');
  const { seed, secrets } = readCeremonySecrets(args);
  seed.fill(0);
  return openCeremonyRoleSession(client, secrets, role);
}

export function authKeyIdOf(args: ParsedArgs): number | undefined {
  const v = flag(args, 'auth-key-id');
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 0xfffe) throw new UsageError('--auth-key-id must be 1–65534');
  return n;
}

/** An object id option: decimal or 0x-hex, 1–65534; undefined when absent (the device picks). */
export function objectIdOf(args: ParsedArgs, name = 'object-id'): number | undefined {
  const v = flag(args, name);
  if (v === undefined) return undefined;
  const n = /^0x[0-9a-f]+$/i.test(v) ? parseInt(v, 16) : /^[0-9]+$/.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > 0xfffe) throw new UsageError(`--${name} must be 1–65534 (decimal or 0x hex)`);
  return n;
}

/** `0x0101` */
export function hexObjectId(id: number): string {
  return `0x${id.toString(16).padStart(4, '0')}`;
}

/** Runs `fn` with a client for the resolved connector and closes it. */
export async function withDevice<T>(args: ParsedArgs, fn: (client: YubiHsmClient, connector: string) => Promise<T>): Promise<T> {
  const connector = await resolveConnector(args);
  const client = deviceClient(connector);
  try {
    return await fn(client, connector);
  } finally {
    await client.close();
  }
}

/** Closes a session, ignoring errors. */
export async function closeQuietly(s: YubiHsmSession | undefined): Promise<void> {
  await s?.close().catch(() => undefined);
}
