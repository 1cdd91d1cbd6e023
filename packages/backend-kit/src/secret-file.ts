import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { openKmsError } from '@openkms/core';

/** Resolves `path` against the config directory. */
export const resolveConfigPath = (configDir: string, path: string): string => (isAbsolute(path) ? path : resolve(configDir, path));

/**
 * Reads a secret (token, secret id) from a file that only its owner may read (mode 0600 or stricter). The secret is
 * never part of an error: only the option name and path are.
 */
export function readSecretFile(path: string, option: string): string {
  let mode: number;
  let text: string;
  try {
    mode = statSync(path).mode;
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw openKmsError('config_invalid', `cannot read the ${option} file`, { option, path, error: (err as NodeJS.ErrnoException).code ?? 'read_failed' });
  }
  if (process.platform !== 'win32' && (mode & 0o077) !== 0)
    throw openKmsError('insecure_file', `the ${option} file must not be readable by group or others (chmod 600)`, {
      option,
      path,
      mode: (mode & 0o777).toString(8),
    });
  const secret = text.trim();
  if (secret.length === 0) throw openKmsError('config_invalid', `the ${option} file is empty`, { option, path });
  return secret;
}
