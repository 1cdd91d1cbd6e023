import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import type { YubiHsmCommandMethods } from '../client/command-methods.js';
import { objectTypeName } from '../protocol/object-type.js';
import { CEREMONY_LAYOUT } from './ceremony-device-layout.js';
import { ceremonyError, isObjectNotFound, toCeremonyError } from './ceremony-errors.js';
import { describeSigningKey, listSigningKeys } from './signing-key-inventory.js';

/** `format` of an openKMS backup bundle. */
export const BACKUP_FORMAT = 'openkms-backup';
/** The bundle version this code writes (and the newest it reads). */
export const BACKUP_VERSION = 1;
/** AES-CCM nonce length of a YubiHSM2 wrapped object. */
const NONCE_BYTES = 13;

/**
 * One wrapped key. `object_id`, `nonce` and `ciphertext` (base64; ciphertext includes the CCM tag) are the original
 * openKMS's `ExportedKey` fields, so every entry is also an entry of its backup format; the rest is ours.
 */
export interface BackupEntry {
  readonly object_id: number;
  readonly nonce: string;
  readonly ciphertext: string;
  readonly label?: string;
  readonly algorithm?: string;
  readonly origin?: string;
  /** Hex: 32-byte Ed25519 key or 33-byte compressed secp256k1 key; checked after a restore. */
  readonly public_key?: string;
}

/** The openKMS backup bundle (version 1). `checksum` = "sha256:" + hex SHA-256 of `canonicalBackupBody`. */
export interface BackupBundle {
  readonly format: typeof BACKUP_FORMAT;
  readonly version: number;
  readonly created_at: string;
  readonly device_serial?: number;
  readonly wrap_key_id: number;
  readonly keys: readonly BackupEntry[];
  readonly checksum: string;
}

/** A parsed backup file: ours (checked) or the original's `[{object_id, nonce, ciphertext}]`. */
export interface ParsedBackup {
  readonly kind: 'openkms' | 'original';
  readonly wrapKeyId: number;
  readonly keys: readonly BackupEntry[];
}

/** The bytes the checksum covers: the bundle's fields in a fixed order, each entry's fields in a fixed order. */
export function canonicalBackupBody(b: Omit<BackupBundle, 'checksum'>): string {
  return JSON.stringify([
    b.format,
    b.version,
    b.created_at,
    b.device_serial ?? null,
    b.wrap_key_id,
    b.keys.map((k) => [k.object_id, k.nonce, k.ciphertext, k.label ?? null, k.algorithm ?? null, k.origin ?? null, k.public_key ?? null]),
  ]);
}

export function backupChecksum(b: Omit<BackupBundle, 'checksum'>): string {
  return `sha256:${bytesToHex(sha256(new TextEncoder().encode(canonicalBackupBody(b))))}`;
}

export interface ExportBackupOptions {
  readonly deviceSerial?: number;
  readonly now?: Date;
  /** Called per key before it is exported. */
  readonly onKey?: (id: number, label: string) => void;
}

/**
 * Wrap-exports every asymmetric key the session sees under ceremony wrap key 1 into a bundle (needs export-wrapped:
 * the provisioner or ceremony key). A key that is not exportable under wrap fails the whole backup (a backup that
 * silently misses a key is worse than none).
 */
export async function exportBackupBundle(session: YubiHsmCommandMethods, opts: ExportBackupOptions = {}): Promise<BackupBundle> {
  const wrapKeyId = CEREMONY_LAYOUT.wrap.id;
  try {
    const keys = await listSigningKeys(session);
    const entries: BackupEntry[] = [];
    for (const k of keys) {
      opts.onKey?.(k.id, k.label);
      if (!k.exportableUnderWrap)
        throw ceremonyError(
          'device_not_empty',
          `key 0x${hexId(k.id)} (${k.label}) is not exportable under wrap: it cannot be backed up (only a new key can replace it)`,
          { object_id: k.id },
        );
      const wrapped = await session.exportWrapped(wrapKeyId, 'asymmetric-key', k.id);
      entries.push({
        object_id: k.id,
        nonce: Buffer.from(wrapped.subarray(0, NONCE_BYTES)).toString('base64'),
        ciphertext: Buffer.from(wrapped.subarray(NONCE_BYTES)).toString('base64'),
        label: k.label,
        algorithm: k.algorithm,
        origin: k.origin,
        public_key: bytesToHex(k.publicKey),
      });
    }
    const body = {
      format: BACKUP_FORMAT,
      version: BACKUP_VERSION,
      created_at: (opts.now ?? new Date()).toISOString(),
      ...(opts.deviceSerial !== undefined ? { device_serial: opts.deviceSerial } : {}),
      wrap_key_id: wrapKeyId,
      keys: entries,
    } as const;
    return { ...body, checksum: backupChecksum(body) };
  } catch (err) {
    throw toCeremonyError(err, 'backup');
  }
}

/** The original openKMS's backup format: a JSON array of `{object_id, nonce, ciphertext}`. */
export function toOriginalBackup(bundle: BackupBundle): { object_id: number; nonce: string; ciphertext: string }[] {
  return bundle.keys.map((k) => ({ object_id: k.object_id, nonce: k.nonce, ciphertext: k.ciphertext }));
}

/** Parses and checks a backup file's text (ours: format, version, checksum; the original's: its array). */
export function parseBackup(text: string): ParsedBackup {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw ceremonyError('backup_invalid', 'the backup file is not JSON');
  }
  if (Array.isArray(doc)) return { kind: 'original', wrapKeyId: CEREMONY_LAYOUT.wrap.id, keys: doc.map((e, i) => checkEntry(e, i)) };
  const b = doc as Partial<BackupBundle> | null;
  if (!b || typeof b !== 'object' || b.format !== BACKUP_FORMAT)
    throw ceremonyError('backup_invalid', `not an openKMS backup (format must be "${BACKUP_FORMAT}", or the original's JSON array)`);
  if (b.version !== BACKUP_VERSION)
    throw ceremonyError('backup_invalid', `backup version ${String(b.version)} is not supported (this openkms reads version ${BACKUP_VERSION})`);
  if (!Array.isArray(b.keys) || typeof b.created_at !== 'string' || typeof b.wrap_key_id !== 'number' || typeof b.checksum !== 'string')
    throw ceremonyError('backup_invalid', 'the backup misses keys, created_at, wrap_key_id or checksum');
  const keys = b.keys.map((e, i) => checkEntry(e, i));
  const { checksum, ...body } = b as BackupBundle;
  if (backupChecksum({ ...body, keys }) !== checksum)
    throw ceremonyError('backup_invalid', 'the backup checksum does not match its contents (the file was changed or truncated)');
  return { kind: 'openkms', wrapKeyId: b.wrap_key_id, keys };
}

function checkEntry(e: unknown, i: number): BackupEntry {
  const k = e as Partial<BackupEntry> | null;
  const bad = (why: string) => ceremonyError('backup_invalid', `backup entry ${i}: ${why}`, { entry: i });
  if (!k || typeof k !== 'object') throw bad('not an object');
  if (typeof k.object_id !== 'number' || !Number.isInteger(k.object_id) || k.object_id < 1 || k.object_id > 0xfffe) throw bad('object_id must be 1–65534');
  if (typeof k.nonce !== 'string' || Buffer.from(k.nonce, 'base64').length !== NONCE_BYTES) throw bad(`nonce must be ${NONCE_BYTES} bytes of base64`);
  if (typeof k.ciphertext !== 'string' || Buffer.from(k.ciphertext, 'base64').length < 17) throw bad('ciphertext must be base64');
  if (k.public_key !== undefined && (typeof k.public_key !== 'string' || !/^([0-9a-f]{64}|0[23][0-9a-f]{64})$/.test(k.public_key)))
    throw bad('public_key must be hex');
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  return {
    object_id: k.object_id,
    nonce: k.nonce,
    ciphertext: k.ciphertext,
    ...(str(k.label) !== undefined ? { label: str(k.label)! } : {}),
    ...(str(k.algorithm) !== undefined ? { algorithm: str(k.algorithm)! } : {}),
    ...(str(k.origin) !== undefined ? { origin: str(k.origin)! } : {}),
    ...(k.public_key !== undefined ? { public_key: k.public_key } : {}),
  };
}

/** What happened to one key of a restore. */
export interface RestoredKey {
  readonly object_id: number;
  readonly label: string;
  readonly algorithm: string;
  /** `restored`: imported now; `present`: already on the device with the same public key (nothing done). */
  readonly status: 'restored' | 'present';
  /** Hex of the device's public key after the restore. */
  readonly public_key: string;
  /** True when the backup recorded a public key and it equals the device's (false: the original's format has none). */
  readonly verified: boolean;
}

export interface RestoreOptions {
  readonly onKey?: (id: number) => void;
}

/**
 * Imports every wrapped key under wrap key 1 (needs import-wrapped: the provisioner or ceremony key) and checks each
 * public key against the one the backup recorded. A key already on the device with the same public key is left as is
 * (re-running a restore is safe); with another public key it is `object_exists`. A wrapped key the device cannot open
 * was wrapped under another wrap key: `wrong_mnemonic`. A public key that differs after the import: `public_key_mismatch`.
 */
export async function restoreBackup(session: YubiHsmCommandMethods, backup: ParsedBackup, opts: RestoreOptions = {}): Promise<RestoredKey[]> {
  const out: RestoredKey[] = [];
  for (const k of backup.keys) {
    opts.onKey?.(k.object_id);
    const ctx = { object_id: k.object_id };
    try {
      const existing = await describeIfPresent(session, k.object_id);
      if (existing) {
        const pub = bytesToHex(existing.publicKey);
        if (k.public_key === undefined || k.public_key !== pub)
          throw ceremonyError(
            'object_exists',
            `key 0x${hexId(k.object_id)} is already on the device${k.public_key === undefined ? ' (the backup records no public key to compare)' : ' with another public key'}; delete it first to restore this one`,
            ctx,
          );
        out.push({ object_id: k.object_id, label: existing.label, algorithm: existing.algorithm, status: 'present', public_key: pub, verified: true });
        continue;
      }
      const wrapped = new Uint8Array([...Buffer.from(k.nonce, 'base64'), ...Buffer.from(k.ciphertext, 'base64')]);
      let imported: { type: number; id: number };
      try {
        imported = await session.importWrapped(backup.wrapKeyId, wrapped);
      } catch (err) {
        const name = (err as { codeName?: string }).codeName;
        if (name === 'INVALID_DATA' || name === 'WRONG_LENGTH')
          throw ceremonyError(
            'wrong_mnemonic',
            `key 0x${hexId(k.object_id)}: the device cannot unwrap it: it was wrapped under another wrap key (a device set up from another mnemonic)`,
            ctx,
            err,
          );
        throw err;
      }
      if (objectTypeName(imported.type) !== 'asymmetric-key' || imported.id !== k.object_id)
        throw ceremonyError(
          'public_key_mismatch',
          `entry 0x${hexId(k.object_id)} unwrapped to ${objectTypeName(imported.type) ?? imported.type} 0x${hexId(imported.id)}`,
          ctx,
        );
      const restored = await describeSigningKey(session, imported.id);
      const pub = bytesToHex(restored.publicKey);
      if (k.public_key !== undefined && k.public_key !== pub)
        throw ceremonyError('public_key_mismatch', `key 0x${hexId(k.object_id)}: the restored public key is not the one the backup recorded`, ctx);
      out.push({
        object_id: k.object_id,
        label: restored.label,
        algorithm: restored.algorithm,
        status: 'restored',
        public_key: pub,
        verified: k.public_key !== undefined,
      });
    } catch (err) {
      throw toCeremonyError(err, `restore of key 0x${hexId(k.object_id)}`, ctx);
    }
  }
  return out;
}

async function describeIfPresent(session: YubiHsmCommandMethods, id: number) {
  try {
    return await describeSigningKey(session, id);
  } catch (err) {
    if (isObjectNotFound(err)) return undefined;
    throw err;
  }
}

function hexId(id: number): string {
  return id.toString(16).padStart(4, '0');
}
