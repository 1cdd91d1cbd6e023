import { randomBytes } from 'node:crypto';
import { closeSync, fchmodSync, fchownSync, fsyncSync, openSync, renameSync, statSync, unlinkSync, writeSync, type Stats } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * Replaces `path` with `data` so that a crash leaves either the old or the new content, never a mix:
 * write a temporary file in the same directory (created with `mode`, 0600 by default), fsync it, rename it over
 * `path`, then fsync the directory. The temporary file is removed if anything fails before the rename.
 *
 * The content changes, not the file's identity: a replaced file keeps its owner and group (so `sudo openkms token
 * revoke` does not leave the service's token file owned by root). Giving a file away needs root; without it (EPERM)
 * the new file belongs to whoever wrote it, as any new file does.
 */
export function writeFileAtomicSync(path: string, data: string | Uint8Array, mode = 0o600): void {
  const dir = dirname(path);
  let previous: Stats | undefined;
  try {
    previous = statSync(path);
  } catch {
    previous = undefined;
  }
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(tmp, 'wx', mode);
  try {
    try {
      fchmodSync(fd, mode);
      if (previous) keepOwner(fd, previous);
      const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
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
  if (uid === undefined || (previous.uid === uid && previous.gid === process.getgid?.())) return;
  try {
    fchownSync(fd, previous.uid, previous.gid);
  } catch (err) {
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
