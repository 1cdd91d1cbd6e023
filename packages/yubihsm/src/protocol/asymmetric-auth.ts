/**
 * Asymmetric (SCP11-style) session establishment with an ecp256-yubico-authentication key (firmware ≥ 2.3), as
 * python-yubihsm's `AsymmetricAuth` and libyubihsm's `yh_create_session_asym` do it:
 *
 * - host → device: CreateSession `authKeyId(2) ‖ EPK.OCE (65-byte uncompressed P-256 point)`;
 * - device → host: `sid(1) ‖ EPK.SD (65) ‖ receipt(16)`;
 * - both: SHSEE = ECDH(ephemeral keys), SHSSS = ECDH(static keys: the host's auth key pair and the device key of
 *   GetDevicePublicKey); ANSI X9.63 KDF with SHA-256 over SHSEE ‖ SHSSS, shared info `3c 88 10`, 64 bytes = receipt
 *   key ‖ S-ENC ‖ S-MAC ‖ S-RMAC;
 * - receipt = AES-CMAC(receipt key, EPK.SD ‖ EPK.OCE); it is the first MAC chaining value and the session is
 *   authenticated at once (no AuthenticateSession), message counter 1.
 */
import { p256 } from '@noble/curves/nist.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes } from '@openkms/core';
import { YubiHsmProtocolError } from './errors.js';
import { aesCmac, type SessionKeys } from './scp03.js';

/** Uncompressed P-256 point length (0x04 ‖ x ‖ y). */
export const P256_POINT_LENGTH = 65;
export const RECEIPT_LENGTH = 16;
const KDF_SHARED_INFO = Uint8Array.of(0x3c, 0x88, 0x10);

/** ANSI X9.63 KDF with SHA-256. */
export function x963KdfSha256(z: Uint8Array, sharedInfo: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(Math.ceil(length / 32) * 32);
  for (let i = 0; i * 32 < length; i++) {
    const counter = new Uint8Array(4);
    new DataView(counter.buffer).setUint32(0, i + 1);
    out.set(sha256(concatBytes(z, counter, sharedInfo)), i * 32);
  }
  return out.slice(0, length);
}

/** The x coordinate of `privateKey · publicKey` on P-256 (`invalid_argument` for a point not on the curve). */
export function p256SharedSecret(privateKey: Uint8Array, publicKey: Uint8Array): Uint8Array {
  try {
    return p256.getSharedSecret(privateKey, publicKey, true).slice(1);
  } catch {
    throw new YubiHsmProtocolError('invalid_argument', 'not a P-256 key');
  }
}

/** The uncompressed public point of a P-256 private scalar. */
export function p256PublicPoint(privateKey: Uint8Array): Uint8Array {
  return p256.getPublicKey(privateKey, false);
}

/** A random valid P-256 private scalar from `random` (retries the rare out-of-range draw). */
export function p256PrivateKey(random: (n: number) => Uint8Array): Uint8Array {
  for (;;) {
    const k = random(32).slice(0, 32);
    if (p256.utils.isValidSecretKey(k)) return k;
  }
}

/** Session keys and receipt key from the two shared secrets. */
export function deriveAsymmetricSessionKeys(shsee: Uint8Array, shsss: Uint8Array): { receiptKey: Uint8Array; keys: SessionKeys } {
  const k = x963KdfSha256(concatBytes(shsee, shsss), KDF_SHARED_INFO, 64);
  return { receiptKey: k.slice(0, 16), keys: { sEnc: k.slice(16, 32), sMac: k.slice(32, 48), sRmac: k.slice(48, 64) } };
}

export function asymmetricReceipt(receiptKey: Uint8Array, epkSd: Uint8Array, epkOce: Uint8Array): Uint8Array {
  return aesCmac(receiptKey, concatBytes(epkSd, epkOce));
}
