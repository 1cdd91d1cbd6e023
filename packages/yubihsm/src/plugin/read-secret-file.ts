import { readFileSync, statSync } from 'node:fs';
import { ErrorCode, openKmsError } from '@openkms/core';

/**
 * Reads a secret file (the auth key's password) after refusing one that others could read or another user owns.
 * The message names the file and the config path; it never contains the file's content.
 */
export function readSecretFile(file: string, path: string): string {
  let st;
  try {
    st = statSync(file);
  } catch (err) {
    throw openKmsError(ErrorCode.insecureFile, `HSM password file ${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`, { file, path });
  }
  const mode = st.mode & 0o777;
  if (mode & 0o077) {
    throw openKmsError(ErrorCode.insecureFile, `HSM password file ${file} has mode ${mode.toString(8).padStart(4, '0')}; it must be 0600 (chmod 600 ${file})`, {
      file,
      mode: mode.toString(8),
      path,
    });
  }
  const uid = process.getuid?.();
  if (uid !== undefined && st.uid !== uid) {
    throw openKmsError(ErrorCode.insecureFile, `HSM password file ${file} is owned by uid ${st.uid}, not by the service user (uid ${uid})`, {
      file,
      owner: st.uid,
      path,
    });
  }
  return readFileSync(file, 'utf8');
}

/**
 * The auth key's password from its file (surrounding whitespace ignored). `utf8`: the text is the password. `hex`: the
 * file holds raw password bytes in hex (the ceremony derives 32 raw bytes per auth key).
 */
export function readPasswordFile(file: string, encoding: 'utf8' | 'hex', path: string): string | Uint8Array {
  const text = readSecretFile(file, path).trim();
  if (encoding === 'utf8') return text;
  if (!/^([0-9a-fA-F]{2})+$/.test(text))
    throw openKmsError(ErrorCode.configInvalid, `${file}: password_encoding = "hex" but the file is not an even number of hex digits`, { path });
  return new Uint8Array(Buffer.from(text, 'hex'));
}
