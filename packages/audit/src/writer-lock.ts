import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openKmsError } from '@openkms/core';

export const LOCK_FILE_NAME = 'audit.lock';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * One writer per audit directory across processes: `audit.lock` holds the writer's pid (created exclusively). A lock
 * whose process is gone (a crash, kill -9) is stale and taken over; a lock held by a live process refuses with
 * `conflict` naming the pid. Two writers would fork the HMAC chain.
 */
export function acquireWriterLock(dir: string): () => void {
  const file = join(dir, LOCK_FILE_NAME);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
      return () => {
        try {
          if (readFileSync(file, 'utf8').trim() === String(process.pid)) unlinkSync(file);
        } catch {
          // already gone
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    let holder = NaN;
    try {
      holder = Number.parseInt(readFileSync(file, 'utf8').trim(), 10);
    } catch {
      // unreadable: treat as stale
    }
    if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && alive(holder)) {
      throw openKmsError(
        'conflict',
        `audit directory ${dir} is in use by process ${holder} (one writer per directory; remove ${file} only if that process is not an openKMS signer)`,
        {
          dir,
          pid: holder,
        },
      );
    }
    try {
      unlinkSync(file);
    } catch {
      // raced with another taker: the next attempt decides
    }
  }
  throw openKmsError('conflict', `audit directory ${dir} is being opened by another process`, { dir });
}
