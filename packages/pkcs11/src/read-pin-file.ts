import { readFileSync, statSync } from 'node:fs';
import { ErrorCode, openKmsError } from '@openkms/core';

/**
 * The token's user PIN from its file (surrounding whitespace ignored), after refusing a file that others could read or
 * another user owns. Errors name the file and the config path, never the content.
 */
export function readPinFile(file: string, path: string): string {
  let st;
  try {
    st = statSync(file);
  } catch (err) {
    throw openKmsError(ErrorCode.insecureFile, `PKCS#11 PIN file ${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`, { file, path });
  }
  const mode = st.mode & 0o777;
  if (mode & 0o077)
    throw openKmsError(ErrorCode.insecureFile, `PKCS#11 PIN file ${file} has mode ${mode.toString(8).padStart(4, '0')}; it must be 0600 (chmod 600 ${file})`, {
      file,
      mode: mode.toString(8),
      path,
    });
  const uid = process.getuid?.();
  if (uid !== undefined && st.uid !== uid)
    throw openKmsError(ErrorCode.insecureFile, `PKCS#11 PIN file ${file} is owned by uid ${st.uid}, not by the service user (uid ${uid})`, {
      file,
      owner: st.uid,
      path,
    });
  const pin = readFileSync(file, 'utf8').trim();
  if (pin.length === 0) throw openKmsError(ErrorCode.configInvalid, `PKCS#11 PIN file ${file} is empty`, { file, path });
  return pin;
}
