import { DecryptOaep, type DecryptOaepRequest } from '../commands/asymmetric/decrypt-oaep.js';
import { DecryptPkcs1 } from '../commands/asymmetric/decrypt-pkcs1.js';
import { DeriveEcdh } from '../commands/asymmetric/derive-ecdh.js';
import { SignPkcs1 } from '../commands/asymmetric/sign-pkcs1.js';
import { SignPss, type SignPssRequest } from '../commands/asymmetric/sign-pss.js';
import { GenerateAsymmetricKey } from '../commands/asymmetric/generate-asymmetric-key.js';
import { GetPublicKey, type PublicKeyResponse } from '../commands/asymmetric/get-public-key.js';
import { PutAsymmetricKey } from '../commands/asymmetric/put-asymmetric-key.js';
import { SignEcdsa } from '../commands/asymmetric/sign-ecdsa.js';
import { SignEddsa } from '../commands/asymmetric/sign-eddsa.js';
import { SignAttestationCertificate } from '../commands/attestation/sign-attestation-certificate.js';
import { GetLogEntries, type LogEntries } from '../commands/audit/get-log-entries.js';
import { SetLogIndex } from '../commands/audit/set-log-index.js';
import { ChangeAuthenticationKey } from '../commands/authentication-key/change-authentication-key.js';
import { PutAuthenticationKey } from '../commands/authentication-key/put-authentication-key.js';
import { PutPublicAuthenticationKey } from '../commands/authentication-key/put-public-authentication-key.js';
import type { CommandSpec } from '../commands/command-spec.js';
import { BlinkDevice } from '../commands/device/blink-device.js';
import { Echo } from '../commands/device/echo.js';
import { GetOption } from '../commands/device/get-option.js';
import { GetPseudoRandom } from '../commands/device/get-pseudo-random.js';
import { ResetDevice } from '../commands/device/reset-device.js';
import { SetOption } from '../commands/device/set-option.js';
import { GenerateHmacKey } from '../commands/hmac/generate-hmac-key.js';
import { PutHmacKey } from '../commands/hmac/put-hmac-key.js';
import { SignHmac } from '../commands/hmac/sign-hmac.js';
import { VerifyHmac } from '../commands/hmac/verify-hmac.js';
import { DeleteObject } from '../commands/object/delete-object.js';
import { GetObjectInfo, type ObjectInfo } from '../commands/object/get-object-info.js';
import { ListObjects, type ListObjectsFilter, type ObjectEntry } from '../commands/object/list-objects.js';
import type { ObjectParamsInput } from '../commands/object/object-params.js';
import { GetOpaque } from '../commands/opaque/get-opaque.js';
import { PutOpaque } from '../commands/opaque/put-opaque.js';
import { CreateOtpAead } from '../commands/otp/create-otp-aead.js';
import { DecryptOtp, type OtpCounters } from '../commands/otp/decrypt-otp.js';
import { GenerateOtpAeadKey } from '../commands/otp/generate-otp-aead-key.js';
import { PutOtpAeadKey } from '../commands/otp/put-otp-aead-key.js';
import { RandomizeOtpAead } from '../commands/otp/randomize-otp-aead.js';
import { RewrapOtpAead } from '../commands/otp/rewrap-otp-aead.js';
import { DecryptCbc, DecryptEcb, EncryptCbc, EncryptEcb } from '../commands/symmetric/aes-block-cipher.js';
import { GenerateSymmetricKey, PutSymmetricKey } from '../commands/symmetric/put-symmetric-key.js';
import { ExportWrapped } from '../commands/wrap/export-wrapped.js';
import { GenerateWrapKey } from '../commands/wrap/generate-wrap-key.js';
import { ImportWrapped, type ImportWrappedResponse } from '../commands/wrap/import-wrapped.js';
import { PutWrapKey } from '../commands/wrap/put-wrap-key.js';
import { UnwrapData, WrapData } from '../commands/wrap/wrap-data.js';
import type { Capabilities } from '../protocol/capability.js';
import type { DeviceOptionName } from '../protocol/device-option.js';
import { YubiHsmProtocolError } from '../protocol/errors.js';
import type { ObjectTypeName } from '../protocol/object-type.js';
import { passwordToAuthKey } from '../protocol/password-key.js';
import type { AuthKeyMaterial } from '../protocol/scp03.js';

/** Per-call options. */
export interface CallOptions {
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

/** New object parameters; `id` 0 or omitted lets the device pick. Label ≤ 40 bytes. */
export interface NewObjectOptions extends Omit<ObjectParamsInput, 'id'> {
  readonly id?: number;
}

export interface PutAsymmetricKeyOptions extends NewObjectOptions {
  /** EC: private scalar d (big-endian, 32 bytes for p256/k256). Ed25519: the 32-byte seed. */
  readonly key: Uint8Array;
}

/** An authentication key from a password (PBKDF2) or from raw K-ENC/K-MAC halves. */
export type AuthKeySecret = { readonly password: string | Uint8Array } | { readonly encKey: Uint8Array; readonly macKey: Uint8Array };

export interface PutAuthenticationKeyOptions extends Omit<NewObjectOptions, 'algorithm'> {
  readonly delegatedCapabilities?: Capabilities;
  readonly secret: AuthKeySecret;
}

export interface WrapKeyOptions extends NewObjectOptions {
  readonly delegatedCapabilities: Capabilities;
}

export interface PutWrapKeyOptions extends WrapKeyOptions {
  readonly key: Uint8Array;
}

export function authKeyFromSecret(secret: AuthKeySecret): AuthKeyMaterial {
  if ('password' in secret) return passwordToAuthKey(secret.password);
  if (secret.encKey.length !== 16 || secret.macKey.length !== 16)
    throw new YubiHsmProtocolError('invalid_argument', 'authentication key halves must be 16 bytes each');
  return { encKey: secret.encKey, macKey: secret.macKey };
}

/**
 * One typed method per session command, on top of `send(spec, request)`. Shared by YubiHsmSession wrappers and the
 * session pool, so both offer the same API.
 */
export abstract class YubiHsmCommandMethods {
  abstract send<Req, Res, DReq, DRes>(spec: CommandSpec<Req, Res, DReq, DRes>, request: Req, opts?: CallOptions): Promise<DRes>;

  /** Echo inside the session (also the keepalive). */
  echo(data: Uint8Array, opts?: CallOptions): Promise<Uint8Array> {
    return this.send(Echo, data, opts);
  }

  getPseudoRandom(length: number, opts?: CallOptions): Promise<Uint8Array> {
    return this.send(GetPseudoRandom, { length }, opts);
  }

  listObjects(filter: ListObjectsFilter = {}, opts?: CallOptions): Promise<ObjectEntry[]> {
    return this.send(ListObjects, filter, opts);
  }

  getObjectInfo(id: number, type: ObjectTypeName | number, opts?: CallOptions): Promise<ObjectInfo> {
    return this.send(GetObjectInfo, { id, type }, opts);
  }

  getPublicKey(id: number, opts?: CallOptions): Promise<PublicKeyResponse> {
    return this.send(GetPublicKey, { id }, opts);
  }

  async generateAsymmetricKey(o: NewObjectOptions, opts?: CallOptions): Promise<number> {
    return (await this.send(GenerateAsymmetricKey, { ...o, id: o.id ?? 0 }, opts)).id;
  }

  async putAsymmetricKey(o: PutAsymmetricKeyOptions, opts?: CallOptions): Promise<number> {
    return (await this.send(PutAsymmetricKey, { ...o, id: o.id ?? 0 }, opts)).id;
  }

  /** ECDSA over a digest; returns the device's DER signature (not low-S normalised). */
  signEcdsa(id: number, digest: Uint8Array, opts?: CallOptions): Promise<Uint8Array> {
    return this.send(SignEcdsa, { id, digest }, opts);
  }

  /** Ed25519 over the raw message; returns the 64-byte signature. */
  signEddsa(id: number, message: Uint8Array, opts?: CallOptions): Promise<Uint8Array> {
    return this.send(SignEddsa, { id, message }, opts);
  }

  /** RSASSA-PKCS1-v1_5 over a digest (the device adds the DigestInfo). */
  signPkcs1(id: number, digest: Uint8Array, opts?: CallOptions): Promise<Uint8Array> {
    return this.send(SignPkcs1, { id, digest }, opts);
  }

  /** RSASSA-PSS over a digest. */
  signPss(request: SignPssRequest, opts?: CallOptions): Promise<Uint8Array> {
    return this.send(SignPss, request, opts);
  }

  decryptPkcs1(id: number, ciphertext: Uint8Array, opts?: CallOptions): Promise<Uint8Array> {
    return this.send(DecryptPkcs1, { id, ciphertext }, opts);
  }

  decryptOaep(request: DecryptOaepRequest, opts?: CallOptions): Promise<Uint8Array> {
    return this.send(DecryptOaep, request, opts);
  }

  /** ECDH with key `id` and a peer's uncompressed public key; returns the shared secret (x coordinate). */
  deriveEcdh(id: number, publicKey: Uint8Array, opts?: CallOptions): Promise<Uint8Array> {
    return this.send(DeriveEcdh, { id, publicKey }, opts);
  }

  async putHmacKey(o: NewObjectOptions & { readonly key: Uint8Array }, opts?: CallOptions): Promise<number> {
    return (await this.send(PutHmacKey, { ...o, id: o.id ?? 0 }, opts)).id;
  }

  async generateHmacKey(o: NewObjectOptions, opts?: CallOptions): Promise<number> {
    return (await this.send(GenerateHmacKey, { ...o, id: o.id ?? 0 }, opts)).id;
  }

  signHmac(id: number, data: Uint8Array, opts?: CallOptions): Promise<Uint8Array> {
    return this.send(SignHmac, { id, data }, opts);
  }

  verifyHmac(id: number, mac: Uint8Array, data: Uint8Array, opts?: CallOptions): Promise<boolean> {
    return this.send(VerifyHmac, { id, mac, data }, opts);
  }

  /** Replaces the session's own authentication key (id `id`) with a new password or raw halves. */
  async changeAuthenticationKey(id: number, secret: AuthKeySecret, opts?: CallOptions): Promise<number> {
    const key = authKeyFromSecret(secret);
    return (await this.send(ChangeAuthenticationKey, { id, encKey: key.encKey, macKey: key.macKey }, opts)).id;
  }

  /** Creates an authentication key from a password or raw halves. */
  async putAuthenticationKey(o: PutAuthenticationKeyOptions, opts?: CallOptions): Promise<number> {
    const key = authKeyFromSecret(o.secret);
    const { secret: _secret, ...rest } = o;
    return (
      await this.send(
        PutAuthenticationKey,
        { ...rest, id: o.id ?? 0, delegatedCapabilities: o.delegatedCapabilities ?? [], encKey: key.encKey, macKey: key.macKey },
        opts,
      )
    ).id;
  }

  /** Creates an asymmetric (ecp256-yubico-authentication) authentication key from the host's P-256 public key. */
  async putPublicAuthenticationKey(
    o: Omit<NewObjectOptions, 'algorithm'> & { readonly delegatedCapabilities?: Capabilities; readonly publicKey: Uint8Array },
    opts?: CallOptions,
  ): Promise<number> {
    return (await this.send(PutPublicAuthenticationKey, { ...o, id: o.id ?? 0, delegatedCapabilities: o.delegatedCapabilities ?? [] }, opts)).id;
  }

  async putWrapKey(o: PutWrapKeyOptions, opts?: CallOptions): Promise<number> {
    return (await this.send(PutWrapKey, { ...o, id: o.id ?? 0 }, opts)).id;
  }

  async generateWrapKey(o: WrapKeyOptions, opts?: CallOptions): Promise<number> {
    return (await this.send(GenerateWrapKey, { ...o, id: o.id ?? 0 }, opts)).id;
  }

  /** Exports an object under a wrap key: nonce(13) ‖ ciphertext ‖ tag(16). */
  exportWrapped(wrapKeyId: number, type: ObjectTypeName | number, id: number, opts?: CallOptions & { format?: number }): Promise<Uint8Array> {
    return this.send(ExportWrapped, { wrapKeyId, type, id, ...(opts?.format !== undefined ? { format: opts.format } : {}) }, opts);
  }

  importWrapped(wrapKeyId: number, wrapped: Uint8Array, opts?: CallOptions): Promise<ImportWrappedResponse> {
    return this.send(ImportWrapped, { wrapKeyId, wrapped }, opts);
  }

  /**
   * An X.509 certificate (DER) of key `id`'s public key with Yubico's attestation extensions, signed by
   * `attestationKeyId` (default 0: the device's factory attestation key, whose certificate is opaque object 0).
   */
  signAttestationCertificate(id: number, attestationKeyId = 0, opts?: CallOptions): Promise<Uint8Array> {
    return this.send(SignAttestationCertificate, { id, attestationKeyId }, opts);
  }

  /** An opaque object's bytes (id 0: the device attestation certificate). */
  getOpaque(id: number, opts?: CallOptions): Promise<Uint8Array> {
    return this.send(GetOpaque, { id }, opts);
  }

  async putOpaque(o: NewObjectOptions & { readonly data: Uint8Array }, opts?: CallOptions): Promise<number> {
    return (await this.send(PutOpaque, { ...o, id: o.id ?? 0 }, opts)).id;
  }

  async putSymmetricKey(o: NewObjectOptions & { readonly key: Uint8Array }, opts?: CallOptions): Promise<number> {
    return (await this.send(PutSymmetricKey, { ...o, id: o.id ?? 0 }, opts)).id;
  }

  async generateSymmetricKey(o: NewObjectOptions, opts?: CallOptions): Promise<number> {
    return (await this.send(GenerateSymmetricKey, { ...o, id: o.id ?? 0 }, opts)).id;
  }

  encryptEcb(id: number, data: Uint8Array, opts?: CallOptions): Promise<Uint8Array> {
    return this.send(EncryptEcb, { id, data }, opts);
  }

  decryptEcb(id: number, data: Uint8Array, opts?: CallOptions): Promise<Uint8Array> {
    return this.send(DecryptEcb, { id, data }, opts);
  }

  encryptCbc(id: number, iv: Uint8Array, data: Uint8Array, opts?: CallOptions): Promise<Uint8Array> {
    return this.send(EncryptCbc, { id, iv, data }, opts);
  }

  decryptCbc(id: number, iv: Uint8Array, data: Uint8Array, opts?: CallOptions): Promise<Uint8Array> {
    return this.send(DecryptCbc, { id, iv, data }, opts);
  }

  /** An OTP AEAD key (aes128/192/256-yubico-otp); `nonceId` starts every AEAD's CCM nonce. */
  async putOtpAeadKey(o: NewObjectOptions & { readonly nonceId: number; readonly key: Uint8Array }, opts?: CallOptions): Promise<number> {
    return (await this.send(PutOtpAeadKey, { ...o, id: o.id ?? 0 }, opts)).id;
  }

  async generateOtpAeadKey(o: NewObjectOptions & { readonly nonceId: number }, opts?: CallOptions): Promise<number> {
    return (await this.send(GenerateOtpAeadKey, { ...o, id: o.id ?? 0 }, opts)).id;
  }

  /** Encrypts a Yubico OTP credential (16-byte key, 6-byte private id) under OTP AEAD key `id`: 36-byte AEAD. */
  createOtpAead(id: number, key: Uint8Array, privateId: Uint8Array, opts?: CallOptions): Promise<Uint8Array> {
    return this.send(CreateOtpAead, { id, key, privateId }, opts);
  }

  /** An AEAD of a credential the device makes up from random bytes. */
  randomizeOtpAead(id: number, opts?: CallOptions): Promise<Uint8Array> {
    return this.send(RandomizeOtpAead, { id }, opts);
  }

  /** Decrypts a 16-byte Yubico OTP with the credential in `aead`; INVALID_OTP when it is not that credential's. */
  decryptOtp(id: number, aead: Uint8Array, otp: Uint8Array, opts?: CallOptions): Promise<OtpCounters> {
    return this.send(DecryptOtp, { id, aead, otp }, opts);
  }

  /** Re-encrypts an AEAD from OTP AEAD key `fromId` to key `toId`. */
  rewrapOtpAead(fromId: number, toId: number, aead: Uint8Array, opts?: CallOptions): Promise<Uint8Array> {
    return this.send(RewrapOtpAead, { fromId, toId, aead }, opts);
  }

  /** AES-CCM encrypts `data` under a wrap key: nonce(13) ‖ ciphertext ‖ tag(16). */
  wrapData(wrapKeyId: number, data: Uint8Array, opts?: CallOptions): Promise<Uint8Array> {
    return this.send(WrapData, { wrapKeyId, data }, opts);
  }

  unwrapData(wrapKeyId: number, wrapped: Uint8Array, opts?: CallOptions): Promise<Uint8Array> {
    return this.send(UnwrapData, { wrapKeyId, wrapped }, opts);
  }

  deleteObject(id: number, type: ObjectTypeName | number, opts?: CallOptions): Promise<void> {
    return this.send(DeleteObject, { id, type }, opts);
  }

  getLogEntries(opts?: CallOptions): Promise<LogEntries> {
    return this.send(GetLogEntries, undefined, opts);
  }

  setLogIndex(index: number, opts?: CallOptions): Promise<void> {
    return this.send(SetLogIndex, { index }, opts);
  }

  getOption(option: DeviceOptionName | number, opts?: CallOptions): Promise<Uint8Array> {
    return this.send(GetOption, { option }, opts);
  }

  setOption(option: DeviceOptionName | number, value: Uint8Array, opts?: CallOptions): Promise<void> {
    return this.send(SetOption, { option, value }, opts);
  }

  blinkDevice(seconds: number, opts?: CallOptions): Promise<void> {
    return this.send(BlinkDevice, { seconds }, opts);
  }

  /** Factory reset. The device reboots; every session (this one too) is gone afterwards. */
  resetDevice(opts?: CallOptions): Promise<void> {
    return this.send(ResetDevice, undefined, opts);
  }
}
