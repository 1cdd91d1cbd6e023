import { pbkdf2Sync } from 'node:crypto';
import type { AuthKeyMaterial } from './scp03.js';

export const PASSWORD_KDF_SALT = 'Yubico';
export const PASSWORD_KDF_ITERATIONS = 10_000;

/** Password → authentication key (the UTF-8 bytes as given, no Unicode normalisation): PBKDF2-HMAC-SHA256(UTF-8 password, "Yubico", 10000, 32) split into K-ENC ‖ K-MAC. */
export function passwordToAuthKey(password: string): AuthKeyMaterial {
  const k = new Uint8Array(pbkdf2Sync(Buffer.from(password, 'utf8'), PASSWORD_KDF_SALT, PASSWORD_KDF_ITERATIONS, 32, 'sha256'));
  return { encKey: k.slice(0, 16), macKey: k.slice(16, 32) };
}

/** K-ENC ‖ K-MAC (32 bytes), the form the device stores. */
export function authKeyBytes(key: AuthKeyMaterial): Uint8Array {
  const out = new Uint8Array(32);
  out.set(key.encKey, 0);
  out.set(key.macKey, 16);
  return out;
}
