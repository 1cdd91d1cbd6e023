import { statSync } from 'node:fs';
import { ErrorCode, openKmsError } from '@openkms/core';

/**
 * Refuses a secret file (token store, HSM password, audit key) that others could read or that another user owns.
 * The message names the file and why; it never contains the file's content. `checkOwner: false` skips the owner check
 * (for an administrator's tool run as root on the service user's file); the mode check always applies.
 */
export function assertSecretFile(path: string, what: string, opts: { checkOwner?: boolean } = {}): void {
  let st;
  try {
    st = statSync(path);
  } catch (err) {
    throw openKmsError(ErrorCode.insecureFile, `${what} ${path} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`, { file: path });
  }
  const mode = st.mode & 0o777;
  if (mode & 0o077) {
    throw openKmsError(ErrorCode.insecureFile, `${what} ${path} has mode ${mode.toString(8).padStart(4, '0')}; it must be 0600 (chmod 600 ${path})`, {
      file: path,
      mode: mode.toString(8),
    });
  }
  const uid = process.getuid?.();
  if (opts.checkOwner !== false && uid !== undefined && st.uid !== uid) {
    throw openKmsError(ErrorCode.insecureFile, `${what} ${path} is owned by uid ${st.uid}, not by the service user (uid ${uid})`, {
      file: path,
      owner: st.uid,
    });
  }
}
