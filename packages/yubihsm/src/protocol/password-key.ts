import { pbkdf2Sync } from 'node:crypto';
import type { AuthKeyMaterial } from './scp03.js';

export const PASSWORD_KDF_SALT = 'Yubico';
export const PASSWORD_KDF_ITERATIONS = 10_000;

/**
 * Password → authentication key: PBKDF2-HMAC-SHA256(password bytes, "Yubico", 10000, 32) split into K-ENC ‖ K-MAC.
 * A string is taken as its UTF-8 bytes (no Unicode normalisation); bytes are used as given (the ceremony's derived
 * passwords are 32 raw bytes, see ceremony/ceremony-secrets.ts).
 */
export function passwordToAuthKey(password: string | Uint8Array): AuthKeyMaterial {
  const bytes = typeof password === 'string' ? Buffer.from(password, 'utf8') : Buffer.from(password);
  const k = new Uint8Array(pbkdf2Sync(bytes, PASSWORD_KDF_SALT, PASSWORD_KDF_ITERATIONS, 32, 'sha256'));
  return { encKey: k.slice(0, 16), macKey: k.slice(16, 32) };
}

/** K-ENC ‖ K-MAC (32 bytes), the form the device stores. */
export function authKeyBytes(key: AuthKeyMaterial): Uint8Array {
  const out = new Uint8Array(32);
  out.set(key.encKey, 0);
  out.set(key.macKey, 16);
  return out;
}
