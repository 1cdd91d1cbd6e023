import { readFileSync } from 'node:fs';
import { ErrorCode, openKmsError } from '@openkms/core';

/**
 * The HSM auth key's password from its file (surrounding whitespace ignored). `utf8`: the text is the password.
 * `hex`: the file holds raw password bytes in hex — the ceremony derives 32 raw bytes per auth key, which a text file
 * cannot hold as they are. The file's content never appears in an error.
 */
export function readHsmPassword(file: string, encoding: 'utf8' | 'hex'): string | Uint8Array {
  const text = readFileSync(file, 'utf8').trim();
  if (encoding === 'utf8') return text;
  if (!/^([0-9a-fA-F]{2})+$/.test(text))
    throw openKmsError(ErrorCode.configInvalid, `${file}: password_encoding = "hex" but the file is not an even number of hex digits`, {
      path: 'backend.yubihsm.password_file',
    });
  return new Uint8Array(Buffer.from(text, 'hex'));
}
