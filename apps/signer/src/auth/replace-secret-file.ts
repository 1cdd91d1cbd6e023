import { randomBytes } from 'node:crypto';
import { closeSync, fchmodSync, fchownSync, fsyncSync, openSync, renameSync, statSync, unlinkSync, writeSync, type Stats } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * Replaces a secret file atomically (temporary file in the same directory, fsync, rename, fsync of the directory) with
 * mode 0600, keeping the owner and group of the file it replaces: `sudo openkms token revoke` must not leave the token
 * file owned by root, which the service (running as its own user) would then refuse. The chown needs root; without
 * it (EPERM) the new file belongs to the user who wrote it, as any new file does.
 */
export function replaceSecretFileSync(path: string, data: string): void {
  const dir = dirname(path);
  let previous: Stats | undefined;
  try {
    previous = statSync(path);
  } catch {
    previous = undefined;
  }
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    try {
      fchmodSync(fd, 0o600);
      if (previous) keepOwner(fd, previous);
      const buf = Buffer.from(data, 'utf8');
      let off = 0;
      while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {
      // already gone
    }
    throw err;
  }
  syncDirectory(dir);
}

function keepOwner(fd: number, previous: Stats): void {
  const uid = process.getuid?.();
  const gid = process.getgid?.();
  if (uid === undefined || (previous.uid === uid && previous.gid === gid)) return;
  try {
    fchownSync(fd, previous.uid, previous.gid);
  } catch (err) {
    // only root may give a file away; anyone else keeps writing files of their own
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') throw err;
  }
}

function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // some platforms cannot fsync a directory; the rename itself is still atomic
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
