import { randomBytes } from 'node:crypto';
import { open } from 'node:fs/promises';
import { openKmsError } from '@openkms/core';

/** Length in bytes of keys made by createAuditKeyFile. */
export const AUDIT_KEY_BYTES = 32;

function modeString(mode: number): string {
  return '0' + (mode & 0o777).toString(8).padStart(3, '0');
}

/**
 * Creates a new audit MAC key file: 32 random bytes written as 64 lowercase hex characters and a newline,
 * mode 0600, exclusive create (fails if the file exists), fsync'ed.
 */
export async function createAuditKeyFile(path: string): Promise<void> {
  const hex = randomBytes(AUDIT_KEY_BYTES).toString('hex');
  let fh;
  try {
    fh = await open(path, 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
      throw openKmsError('conflict', 'audit key file already exists', { path }, err);
    }
    throw openKmsError('config_invalid', 'cannot create the audit key file', { path, errno: (err as NodeJS.ErrnoException).code }, err);
  }
  try {
    // The umask can only remove bits; make the mode exact anyway.
    await fh.chmod(0o600);
    await fh.writeFile(hex + '\n', 'utf8');
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/**
 * Reads an audit key file (64 hex characters, surrounding whitespace ignored) and returns the 32 key bytes.
 * Refuses (`insecure_file`) when the file is not a regular file or its mode grants any group/other access.
 * Errors name the path and mode, never the key.
 */
export async function loadAuditKey(path: string): Promise<Uint8Array> {
  let fh;
  try {
    fh = await open(path, 'r');
  } catch (err) {
    throw openKmsError('config_invalid', 'cannot open the audit key file', { path, errno: (err as NodeJS.ErrnoException).code }, err);
  }
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw openKmsError('insecure_file', 'audit key file is not a regular file', { path });
    if ((st.mode & 0o077) !== 0) {
      throw openKmsError('insecure_file', 'audit key file must not be accessible by group or others (chmod 600)', {
        path,
        mode: modeString(st.mode),
      });
    }
    if (st.size > 1024) throw openKmsError('config_invalid', 'audit key file is too large', { path });
    const text = (await fh.readFile('utf8')).trim();
    if (!/^[0-9a-fA-F]{64}$/.test(text)) {
      throw openKmsError('config_invalid', 'audit key file must hold exactly 64 hex characters (32 bytes)', { path });
    }
    return new Uint8Array(Buffer.from(text, 'hex'));
  } finally {
    await fh.close();
  }
}
