/**
 * The device's wrapped-object format (reference §10): `nonce(13) ‖ AES-CCM(ciphertext) ‖ tag(16)`, no AAD, over
 * a 59-byte header followed by a type-specific body.
 *
 * Header: wrapAlg(1) ‖ caps(8) ‖ id(2) ‖ bodyLen(2) ‖ domains(2) ‖ type(1) ‖ alg(1) ‖ sequence(1) ‖ origin(1) ‖ label(40).
 * Body:   EC key d ‖ x ‖ y; Ed25519 format 0 = the 96-byte expanded form, format 1 = seed(32) ‖ expanded(96);
 *         authentication key delegated(8) ‖ K-ENC ‖ K-MAC; wrap key delegated(8) ‖ key.
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { wrapKeyLength } from '@openkms/yubihsm';
import { Algorithm, DeviceError, LABEL_LENGTH, ObjectType } from './device-codes.js';
import { fail } from './device-failure.js';
import { checkEcScalar, checkEd25519Expanded, ecPublicKey, ecScalarLength, ed25519ExpandSeed, isEcAlgorithm } from './key-material.js';
import type { DeviceObject } from './object-store.js';

export const WRAP_NONCE_LENGTH = 13;
export const WRAP_TAG_LENGTH = 16;
export const WRAP_HEADER_LENGTH = 59;

/** Key length for a wrap-key algorithm, or undefined when the algorithm is not an AES-CCM wrap algorithm. */
export { wrapKeyLength };

export function ccmName(keyLength: number): 'aes-128-ccm' | 'aes-192-ccm' | 'aes-256-ccm' {
  if (keyLength === 16) return 'aes-128-ccm';
  if (keyLength === 24) return 'aes-192-ccm';
  if (keyLength === 32) return 'aes-256-ccm';
  fail(DeviceError.invalidData, 'bad wrap key length');
}

function u16(n: number): Uint8Array {
  return Uint8Array.of((n >> 8) & 0xff, n & 0xff);
}

function u64(n: bigint): Uint8Array {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, n);
  return out;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}

/** Serialises an object's secret body. `format` 1 includes the Ed25519 seed when the key has one. */
export function wrapBody(obj: DeviceObject, format: number): Uint8Array {
  switch (obj.type) {
    case ObjectType.asymmetricKey:
      if (isEcAlgorithm(obj.algorithm)) return concat(obj.secret, ecPublicKey(obj.algorithm, obj.secret));
      if (obj.algorithm === Algorithm.ed25519) return format === 1 && obj.seed ? concat(obj.seed, obj.secret) : obj.secret;
      return fail(DeviceError.invalidData, 'unsupported algorithm');
    case ObjectType.authenticationKey:
      if (obj.algorithm !== Algorithm.aes128YubicoAuthentication) return fail(DeviceError.invalidData, 'unsupported algorithm');
      return concat(u64(obj.delegated), obj.secret);
    case ObjectType.wrapKey:
      return concat(u64(obj.delegated), obj.secret);
    default:
      return fail(DeviceError.invalidData, 'unsupported object type');
  }
}

/** Wraps `obj` under `wrapKey` (an AES-CCM wrap-key object). */
export function wrapObject(wrapKey: DeviceObject, obj: DeviceObject, format: number, nonce: Uint8Array): Uint8Array {
  if (nonce.length !== WRAP_NONCE_LENGTH) throw new RangeError('wrap nonce must be 13 bytes');
  const body = wrapBody(obj, format);
  const header = concat(
    Uint8Array.of(wrapKey.algorithm),
    u64(obj.capabilities),
    u16(obj.id),
    u16(body.length),
    u16(obj.domains),
    Uint8Array.of(obj.type, obj.algorithm, obj.sequence, obj.origin),
    obj.label,
  );
  const cipher = createCipheriv(ccmName(wrapKey.secret.length), wrapKey.secret, nonce, { authTagLength: WRAP_TAG_LENGTH });
  cipher.setAAD(new Uint8Array(0), { plaintextLength: header.length + body.length });
  const ct = concat(cipher.update(concat(header, body)), cipher.final());
  return concat(nonce, ct, cipher.getAuthTag());
}

/** An object recovered from a wrap blob, not yet stored (origin still the original one). */
export type UnwrappedObject = Omit<DeviceObject, 'origin'> & { readonly origin: number };

/** Decrypts and parses a wrap blob. Any authentication, framing or consistency failure gives INVALID_DATA. */
export function unwrapObject(wrapKey: DeviceObject, blob: Uint8Array): UnwrappedObject {
  if (blob.length < WRAP_NONCE_LENGTH + WRAP_HEADER_LENGTH + WRAP_TAG_LENGTH) fail(DeviceError.wrongLength, 'wrap blob too short');
  const nonce = blob.subarray(0, WRAP_NONCE_LENGTH);
  const ct = blob.subarray(WRAP_NONCE_LENGTH, blob.length - WRAP_TAG_LENGTH);
  const tag = blob.subarray(blob.length - WRAP_TAG_LENGTH);
  let plain: Uint8Array;
  try {
    const decipher = createDecipheriv(ccmName(wrapKey.secret.length), wrapKey.secret, nonce, { authTagLength: WRAP_TAG_LENGTH });
    decipher.setAuthTag(tag);
    decipher.setAAD(new Uint8Array(0), { plaintextLength: ct.length });
    plain = concat(decipher.update(ct), decipher.final());
  } catch {
    return fail(DeviceError.invalidData, 'wrap blob does not authenticate');
  }
  const view = new DataView(plain.buffer, plain.byteOffset, plain.byteLength);
  const capabilities = view.getBigUint64(1);
  const id = view.getUint16(9);
  const bodyLength = view.getUint16(11);
  const domains = view.getUint16(13);
  const type = plain[15]!;
  const algorithm = plain[16]!;
  const sequence = plain[17]!;
  const origin = plain[18]!;
  const label = plain.slice(19, 19 + LABEL_LENGTH);
  const body = plain.slice(WRAP_HEADER_LENGTH);
  if (body.length !== bodyLength) fail(DeviceError.invalidData, 'wrap body length mismatch');
  const base = { id, type, algorithm, label, domains, capabilities, sequence, origin };
  switch (type) {
    case ObjectType.asymmetricKey:
      if (isEcAlgorithm(algorithm)) {
        const size = ecScalarLength(algorithm);
        if (body.length !== 3 * size) fail(DeviceError.invalidData);
        const d = body.slice(0, size);
        checkEcScalar(algorithm, d);
        if (!Buffer.from(ecPublicKey(algorithm, d)).equals(body.subarray(32))) fail(DeviceError.invalidData, 'EC key inconsistent');
        return { ...base, delegated: 0n, secret: d };
      }
      if (algorithm === Algorithm.ed25519) {
        if (body.length === 96) {
          checkEd25519Expanded(body);
          return { ...base, delegated: 0n, secret: body };
        }
        if (body.length === 128) {
          const seed = body.slice(0, 32);
          const expanded = body.slice(32);
          if (!Buffer.from(ed25519ExpandSeed(seed)).equals(expanded)) fail(DeviceError.invalidData, 'Ed25519 key inconsistent');
          return { ...base, delegated: 0n, secret: expanded, seed };
        }
        return fail(DeviceError.invalidData);
      }
      return fail(DeviceError.invalidData, 'unsupported algorithm');
    case ObjectType.authenticationKey:
      if (algorithm !== Algorithm.aes128YubicoAuthentication || body.length !== 40) fail(DeviceError.invalidData);
      return { ...base, delegated: new DataView(body.buffer).getBigUint64(0), secret: body.slice(8) };
    case ObjectType.wrapKey: {
      const len = wrapKeyLength(algorithm);
      if (len === undefined || body.length !== 8 + len) fail(DeviceError.invalidData);
      return { ...base, delegated: new DataView(body.buffer).getBigUint64(0), secret: body.slice(8) };
    }
    default:
      return fail(DeviceError.invalidData, 'unsupported object type');
  }
}

/** WrapData: `nonce(13) ‖ AES-CCM(data) ‖ tag(16)` under the wrap key (no header: the data alone). */
export function wrapData(wrapKey: DeviceObject, data: Uint8Array, nonce: Uint8Array): Uint8Array {
  if (nonce.length !== WRAP_NONCE_LENGTH) throw new RangeError('wrap nonce must be 13 bytes');
  const cipher = createCipheriv(ccmName(wrapKey.secret.length), wrapKey.secret, nonce, { authTagLength: WRAP_TAG_LENGTH });
  cipher.setAAD(new Uint8Array(0), { plaintextLength: data.length });
  const ct = concat(cipher.update(data), cipher.final());
  return concat(nonce, ct, cipher.getAuthTag());
}

/** UnwrapData: the data of a WrapData blob; INVALID_DATA when it does not authenticate. */
export function unwrapData(wrapKey: DeviceObject, blob: Uint8Array): Uint8Array {
  if (blob.length < WRAP_NONCE_LENGTH + 1 + WRAP_TAG_LENGTH) fail(DeviceError.wrongLength, 'wrapped data too short');
  const nonce = blob.subarray(0, WRAP_NONCE_LENGTH);
  const ct = blob.subarray(WRAP_NONCE_LENGTH, blob.length - WRAP_TAG_LENGTH);
  try {
    const decipher = createDecipheriv(ccmName(wrapKey.secret.length), wrapKey.secret, nonce, { authTagLength: WRAP_TAG_LENGTH });
    decipher.setAuthTag(blob.subarray(blob.length - WRAP_TAG_LENGTH));
    decipher.setAAD(new Uint8Array(0), { plaintextLength: ct.length });
    return concat(decipher.update(ct), decipher.final());
  } catch {
    return fail(DeviceError.invalidData, 'wrapped data does not authenticate');
  }
}
