import { closeSync, openSync, writeSync } from 'node:fs';
import { ceremonyError } from '@openkms/yubihsm/ceremony';
import { ErrorCode, openKmsError } from '@openkms/core';

/**
 * Writes a file that holds a secret or key material: created with mode 0600, never through an existing file unless
 * `overwrite` (then truncated in place; its mode is kept only if it is already 0600-or-stricter, else refused).
 */
export function writeSecretFile(file: string, content: string, overwrite = false): void {
  let fd: number;
  try {
    fd = openSync(file, overwrite ? 'w' : 'wx', 0o600);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST')
      throw ceremonyError('object_exists', `${file} already exists (not overwritten${overwrite ? '' : '; --force overwrites it'})`, { file });
    throw openKmsError(ErrorCode.internal, `cannot create ${file} (${code ?? 'error'})`, { file });
  }
  try {
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
}
