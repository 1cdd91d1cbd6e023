/**
 * Handlers for the commands the simulator implements. Each takes the (inner) payload and returns the response
 * payload, or throws DeviceFailure. Capability, domain and wrap rules follow reference §7.
 */
import { createCipheriv, createDecipheriv, createHmac, timingSafeEqual } from 'node:crypto';
import { ByteReader, ByteWriter, p256PublicPoint, p256SharedSecret } from '@openkms/yubihsm';
import { issueAttestationCertificate } from './attestation-authority.js';
import { encodeLogEntry } from './audit-log.js';
import { deleteCapabilityFor, isSubset, requireCreatable, requireObjectCapability, requireSessionCapability, sharesDomain } from './capability-rules.js';
import type { CommandContext } from './command-context.js';
import {
  Algorithm,
  CapabilityBit,
  Command,
  DeviceError,
  DeviceOption,
  LABEL_LENGTH,
  MAX_FRAME_LENGTH,
  MAX_OBJECTS,
  ObjectType,
  Origin,
} from './device-codes.js';
import { fail } from './device-failure.js';
import { firmwareAtLeast } from './device-state.js';
import { authority, createObject, EMPTY, expectLength, readNewObjectHeader, u16, usableKey, visibleObject, type CommandHandler } from './handler-support.js';
import {
  ecPublicKey,
  ed25519ExpandSeed,
  generateEcScalar,
  checkEcScalar,
  deriveEcdhSecret,
  isEcAlgorithm,
  isSupportedAsymmetricAlgorithm,
  signEcdsaDigest,
  signEd25519Expanded,
  signEd25519Seed,
} from './key-material.js';
import { objectLength, type DeviceObject } from './object-store.js';
import { OTP_HANDLERS } from './otp-handlers.js';
import {
  decryptOaep as rsaDecryptOaep,
  decryptPkcs1 as rsaDecryptPkcs1,
  generateRsa,
  isRsaAlgorithm,
  rsaModulus,
  rsaPrivateKey,
  signPkcs1 as rsaSignPkcs1,
  signPss as rsaSignPss,
} from './rsa-key-material.js';
import { unwrapData, unwrapObject, wrapData, wrapKeyLength, wrapObject } from './wrap-format.js';

export type { CommandHandler } from './handler-support.js';

/** Largest response payload that still fits a SessionMessage response frame. */
const MAX_INNER_RESPONSE_PAYLOAD = MAX_FRAME_LENGTH - 3 - 1 - 8 - 16 - 3;

/** Algorithms listed by DeviceInfo: the ones this simulator implements. */
export const SUPPORTED_ALGORITHMS: readonly number[] = [
  Algorithm.rsaPkcs1Sha1,
  Algorithm.rsaPkcs1Sha256,
  Algorithm.rsaPkcs1Sha384,
  Algorithm.rsaPkcs1Sha512,
  Algorithm.rsaPssSha1,
  Algorithm.rsaPssSha256,
  Algorithm.rsaPssSha384,
  Algorithm.rsaPssSha512,
  Algorithm.rsa2048,
  Algorithm.rsa3072,
  Algorithm.rsa4096,
  Algorithm.ecdsaSha1,
  Algorithm.rsaOaepSha1,
  Algorithm.rsaOaepSha256,
  Algorithm.rsaOaepSha384,
  Algorithm.rsaOaepSha512,
  Algorithm.mgf1Sha1,
  Algorithm.mgf1Sha256,
  Algorithm.mgf1Sha384,
  Algorithm.mgf1Sha512,
  Algorithm.ecdsaSha256,
  Algorithm.ecdsaSha384,
  Algorithm.ecdsaSha512,
  Algorithm.rsaPkcs1Decrypt,
  Algorithm.ecp224,
  Algorithm.ecp256,
  Algorithm.ecp384,
  Algorithm.ecp521,
  Algorithm.eck256,
  Algorithm.ecbp256,
  Algorithm.ecbp384,
  Algorithm.ecbp512,
  Algorithm.ecdh,
  Algorithm.hmacSha1,
  Algorithm.hmacSha256,
  Algorithm.hmacSha384,
  Algorithm.hmacSha512,
  Algorithm.aes128CcmWrap,
  Algorithm.aes128YubicoOtp,
  Algorithm.aes128YubicoAuthentication,
  Algorithm.aes192YubicoOtp,
  Algorithm.aes256YubicoOtp,
  Algorithm.aes192CcmWrap,
  Algorithm.aes256CcmWrap,
  Algorithm.ed25519,
  Algorithm.opaqueData,
  Algorithm.opaqueX509Certificate,
  Algorithm.aes128,
  Algorithm.aes192,
  Algorithm.aes256,
  Algorithm.aesEcb,
  Algorithm.aesCbc,
  Algorithm.ecp256YubicoAuthentication,
];

/** Algorithms that firmware 2.3 added: AES keys and asymmetric authentication keys. */
const FIRMWARE_2_3_ALGORITHMS: ReadonlySet<number> = new Set([
  Algorithm.aes128,
  Algorithm.aes192,
  Algorithm.aes256,
  Algorithm.aesEcb,
  Algorithm.aesCbc,
  Algorithm.ecp256YubicoAuthentication,
]);

/** What DeviceInfo and the algorithm-toggle option list for a reported firmware. */
export function algorithmsFor(firmware: readonly [number, number, number]): readonly number[] {
  const from23 = firmwareAtLeast(firmware, 2, 3);
  return SUPPORTED_ALGORITHMS.filter((a) => from23 || !FIRMWARE_2_3_ALGORITHMS.has(a));
}

// ---- clear or session ----------------------------------------------------------------------------------------

const echo: CommandHandler = (payload) => payload;

const deviceInfo: CommandHandler = (payload, ctx) => {
  expectLength(payload, 0, 1);
  const page = payload.length === 0 ? 0 : payload[0]!;
  if (page === 0) {
    const [major, minor, patch] = ctx.identity.firmware;
    return new ByteWriter()
      .u8(major)
      .u8(minor)
      .u8(patch)
      .u32(ctx.identity.serial >>> 0)
      .u8(ctx.state.log.total)
      .u8(ctx.state.log.used)
      .bytes(Uint8Array.from(algorithmsFor(ctx.identity.firmware)))
      .finish();
  }
  if (page === 1) return new TextEncoder().encode(ctx.identity.partNumber);
  return fail(DeviceError.invalidData, 'unknown DeviceInfo page');
};

/** GetDevicePublicKey (firmware ≥ 2.3, in the clear): alg ecp256-yubico-authentication ‖ x ‖ y of the device key. */
const getDevicePublicKey: CommandHandler = (payload, ctx) => {
  if (!firmwareAtLeast(ctx.identity.firmware, 2, 3)) fail(DeviceError.invalidCommand, 'no asymmetric authentication before firmware 2.3');
  expectLength(payload, 0);
  const key = ctx.state.deviceKey ?? fail(DeviceError.invalidData, 'no device key');
  return new ByteWriter().u8(Algorithm.ecp256YubicoAuthentication).bytes(p256PublicPoint(key).subarray(1)).finish();
};

function isP256Point(xy: Uint8Array): boolean {
  try {
    p256SharedSecret(Uint8Array.of(...new Uint8Array(31), 1), Uint8Array.of(4, ...xy));
    return true;
  } catch {
    return false;
  }
}

// ---- session housekeeping --------------------------------------------------------------------------------------

const closeSession: CommandHandler = (payload, ctx) => {
  expectLength(payload, 0);
  authority(ctx);
  ctx.after = 'close-session';
  return EMPTY;
};

const blinkDevice: CommandHandler = (payload, ctx) => {
  expectLength(payload, 1);
  authority(ctx);
  return EMPTY;
};

const getPseudoRandom: CommandHandler = (payload, ctx) => {
  expectLength(payload, 2);
  requireSessionCapability(authority(ctx), CapabilityBit.getPseudoRandom);
  const n = new ByteReader(payload).u16();
  if (n > MAX_INNER_RESPONSE_PAYLOAD) fail(DeviceError.invalidData, 'too many random bytes requested');
  return ctx.random(n);
};

const resetDevice: CommandHandler = (payload, ctx) => {
  expectLength(payload, 0);
  requireSessionCapability(authority(ctx), CapabilityBit.resetDevice);
  ctx.after = 'reset-device';
  return EMPTY;
};

/** Storage model for GetStorageInfo: 256 records, 1024 pages of 126 bytes (126 KB). */
const STORAGE_PAGES = 1024;
const STORAGE_PAGE_SIZE = 126;

const getStorageInfo: CommandHandler = (payload, ctx) => {
  expectLength(payload, 0);
  authority(ctx);
  const objects = ctx.state.objects.all();
  const usedPages = objects.reduce((n, o) => n + Math.ceil((objectLength(o) + 66) / STORAGE_PAGE_SIZE), 0);
  return new ByteWriter()
    .u16(MAX_OBJECTS)
    .u16(MAX_OBJECTS - objects.length)
    .u16(STORAGE_PAGES)
    .u16(Math.max(0, STORAGE_PAGES - usedPages))
    .u16(STORAGE_PAGE_SIZE)
    .finish();
};

// ---- object listing and info -----------------------------------------------------------------------------------

const listObjects: CommandHandler = (payload, ctx) => {
  const session = authority(ctx);
  const r = new ByteReader(payload, 'ListObjects filter');
  let id: number | undefined;
  let type: number | undefined;
  let domains: number | undefined;
  let caps: bigint | undefined;
  let algorithm: number | undefined;
  let label: Uint8Array | undefined;
  while (r.remaining > 0) {
    const tag = r.u8();
    switch (tag) {
      case 0x01:
        id = r.u16();
        break;
      case 0x02:
        type = r.u8();
        break;
      case 0x03:
        domains = r.u16();
        break;
      case 0x04:
        caps = r.u64();
        break;
      case 0x05:
        algorithm = r.u8();
        break;
      case 0x06:
        label = r.bytes(LABEL_LENGTH);
        break;
      default:
        fail(DeviceError.invalidData, 'unknown ListObjects filter');
    }
  }
  const w = new ByteWriter();
  for (const o of ctx.state.objects.all()) {
    if (!sharesDomain(o.domains, session.domains)) continue;
    if (id !== undefined && o.id !== id) continue;
    if (type !== undefined && o.type !== type) continue;
    if (domains !== undefined && (o.domains & domains) === 0) continue;
    if (caps !== undefined && (o.capabilities & caps) !== caps) continue;
    if (algorithm !== undefined && o.algorithm !== algorithm) continue;
    if (label !== undefined && !Buffer.from(o.label).equals(label)) continue;
    w.u16(o.id).u8(o.type).u8(o.sequence);
  }
  return w.finish();
};

const getObjectInfo: CommandHandler = (payload, ctx) => {
  expectLength(payload, 3);
  const r = new ByteReader(payload);
  const id = r.u16();
  const type = r.u8();
  ctx.targetKey = id;
  const o = visibleObject(ctx, id, type);
  return new ByteWriter()
    .u64(o.capabilities)
    .u16(o.id)
    .u16(objectLength(o))
    .u16(o.domains)
    .u8(o.type)
    .u8(o.algorithm)
    .u8(o.sequence)
    .u8(o.origin)
    .bytes(o.label)
    .u64(o.delegated)
    .finish();
};

const getPublicKey: CommandHandler = (payload, ctx) => {
  expectLength(payload, 2, 3);
  const r = new ByteReader(payload);
  const id = r.u16();
  const type = payload.length === 3 ? r.u8() : ObjectType.asymmetricKey;
  ctx.targetKey = id;
  if (type !== ObjectType.asymmetricKey) fail(DeviceError.objectNotFound, 'only asymmetric keys have public keys here');
  const o = visibleObject(ctx, id, type);
  ctx.algorithm = o.algorithm;
  return new ByteWriter().u8(o.algorithm).bytes(publicKeyOf(o)).finish();
};

/** The raw public key GetPublicKey reports: EC x‖y, Ed25519 A. */
function publicKeyOf(o: DeviceObject): Uint8Array {
  if (isRsaAlgorithm(o.algorithm)) return rsaModulus(o.algorithm, o.secret);
  return isEcAlgorithm(o.algorithm) ? ecPublicKey(o.algorithm, o.secret) : o.secret.slice(64, 96);
}

// ---- opaque objects and attestation ----------------------------------------------------------------------------

const OPAQUE_ALGORITHMS: ReadonlySet<number> = new Set([Algorithm.opaqueData, Algorithm.opaqueX509Certificate]);

const putOpaque: CommandHandler = (payload, ctx) => {
  const session = authority(ctx);
  requireSessionCapability(session, CapabilityBit.putOpaque);
  const r = new ByteReader(payload);
  const h = readNewObjectHeader(r);
  const data = r.rest();
  ctx.algorithm = h.algorithm;
  if (!OPAQUE_ALGORITHMS.has(h.algorithm)) fail(DeviceError.invalidData, 'unsupported opaque algorithm');
  if (data.length === 0) fail(DeviceError.wrongLength, 'empty opaque object');
  return createObject(ctx, h, { type: ObjectType.opaque, origin: Origin.imported, secret: data.slice() });
};

/** GetOpaque: object 0 is the device attestation certificate (present on every device, in no domain list). */
const getOpaque: CommandHandler = (payload, ctx) => {
  expectLength(payload, 2);
  const session = authority(ctx);
  const id = new ByteReader(payload).u16();
  ctx.targetKey = id;
  requireSessionCapability(session, CapabilityBit.getOpaque);
  if (id === 0) {
    const a = ctx.state.attestation;
    if (!a) return fail(DeviceError.objectNotFound, 'no attestation certificate');
    return a.certificate.slice();
  }
  return visibleObject(ctx, id, ObjectType.opaque).secret.slice();
};

const labelText = (label: Uint8Array): string => new TextDecoder().decode(label).replace(/\0+$/, '');

/**
 * SignAttestationCertificate: key id(2) ‖ attestation key id(2). Attestation key 0 is the device's own; another id
 * needs an EC key with sign-attestation-certificate and an X.509 certificate in the opaque object of the same id.
 */
const signAttestationCertificate: CommandHandler = (payload, ctx) => {
  expectLength(payload, 4);
  const session = authority(ctx);
  const r = new ByteReader(payload);
  const id = r.u16();
  const attestationId = r.u16();
  ctx.targetKey = id;
  ctx.secondKey = attestationId;
  requireSessionCapability(session, CapabilityBit.signAttestationCertificate);
  const target = visibleObject(ctx, id, ObjectType.asymmetricKey);
  ctx.algorithm = target.algorithm;
  let signer: { algorithm: number; secret: Uint8Array };
  let issuerCertificate: Uint8Array;
  if (attestationId === 0) {
    const a = ctx.state.attestation;
    if (!a) return fail(DeviceError.objectNotFound, 'no attestation key');
    signer = { algorithm: Algorithm.ecp256, secret: a.keySecret };
    issuerCertificate = a.certificate;
  } else {
    const key = visibleObject(ctx, attestationId, ObjectType.asymmetricKey);
    requireObjectCapability(key, CapabilityBit.signAttestationCertificate);
    if (!isEcAlgorithm(key.algorithm)) fail(DeviceError.invalidData, 'attestation key must be an EC key here');
    const cert = ctx.state.objects.get(attestationId, ObjectType.opaque);
    if (!cert || cert.algorithm !== Algorithm.opaqueX509Certificate) fail(DeviceError.invalidData, 'attestation key has no certificate');
    signer = { algorithm: key.algorithm, secret: key.secret };
    issuerCertificate = cert.secret;
  }
  return issueAttestationCertificate({
    issuerCertificate,
    signer,
    target: {
      id: target.id,
      algorithm: target.algorithm,
      publicKey: publicKeyOf(target),
      origin: target.origin,
      domains: target.domains,
      capabilities: target.capabilities,
      label: labelText(target.label),
    },
    identity: ctx.identity,
    random: ctx.random,
  });
};

// ---- asymmetric keys -------------------------------------------------------------------------------------------

function asymmetricSecret(algorithm: number, key: Uint8Array): { secret: Uint8Array; seed?: Uint8Array } {
  if (isEcAlgorithm(algorithm)) {
    checkEcScalar(algorithm, key);
    return { secret: key };
  }
  if (isRsaAlgorithm(algorithm)) {
    rsaPrivateKey(algorithm, key);
    return { secret: key.slice() };
  }
  if (algorithm === Algorithm.ed25519) {
    if (key.length !== 32) fail(DeviceError.invalidData, 'Ed25519 key must be the 32-byte seed');
    return { secret: ed25519ExpandSeed(key), seed: key };
  }
  return fail(DeviceError.invalidData, 'unsupported asymmetric algorithm');
}

const generateAsymmetricKey: CommandHandler = (payload, ctx) => {
  expectLength(payload, 53);
  const session = authority(ctx);
  requireSessionCapability(session, CapabilityBit.generateAsymmetricKey);
  const h = readNewObjectHeader(new ByteReader(payload));
  ctx.algorithm = h.algorithm;
  if (!isSupportedAsymmetricAlgorithm(h.algorithm)) fail(DeviceError.invalidData, 'unsupported asymmetric algorithm');
  requireCreatable(session, h.domains, h.capabilities); // before the (RSA: slow) key generation
  const key =
    h.algorithm === Algorithm.ed25519 ? ctx.random(32) : isRsaAlgorithm(h.algorithm) ? generateRsa(h.algorithm) : generateEcScalar(h.algorithm, ctx.random);
  return createObject(ctx, h, { type: ObjectType.asymmetricKey, origin: Origin.generated, ...asymmetricSecret(h.algorithm, key) });
};

const putAsymmetricKey: CommandHandler = (payload, ctx) => {
  const session = authority(ctx);
  requireSessionCapability(session, CapabilityBit.putAsymmetricKey);
  const r = new ByteReader(payload);
  const h = readNewObjectHeader(r);
  ctx.algorithm = h.algorithm;
  const key = r.rest();
  if (!isSupportedAsymmetricAlgorithm(h.algorithm)) fail(DeviceError.invalidData, 'unsupported asymmetric algorithm');
  requireCreatable(session, h.domains, h.capabilities); // before the key material is checked
  return createObject(ctx, h, { type: ObjectType.asymmetricKey, origin: Origin.imported, ...asymmetricSecret(h.algorithm, key) });
};

const signEcdsa: CommandHandler = (payload, ctx) => {
  const { o, r } = usableKey(ctx, payload, ObjectType.asymmetricKey, CapabilityBit.signEcdsa, 3);
  const digest = r.rest();
  if (!isEcAlgorithm(o.algorithm)) fail(DeviceError.invalidData, 'not an ECDSA key');
  if (digest.length > 66) fail(DeviceError.wrongLength, 'digest too long');
  return signEcdsaDigest(o.algorithm, o.secret, digest, ctx.random);
};

const signEddsa: CommandHandler = (payload, ctx) => {
  const { o, r } = usableKey(ctx, payload, ObjectType.asymmetricKey, CapabilityBit.signEddsa);
  const message = r.rest();
  if (o.algorithm !== Algorithm.ed25519) fail(DeviceError.invalidData, 'not an Ed25519 key');
  // with the seed, node:crypto signs (same RFC 8032 signature, a fraction of the time): the simulator must not be
  // slower than the device it stands in for; a key without its seed (legacy wrap import) signs from the expanded form
  return o.seed ? signEd25519Seed(o.seed, message) : signEd25519Expanded(o.secret, message);
};

const deriveEcdh: CommandHandler = (payload, ctx) => {
  const { o, r } = usableKey(ctx, payload, ObjectType.asymmetricKey, CapabilityBit.deriveEcdh, 3);
  if (!isEcAlgorithm(o.algorithm)) fail(DeviceError.invalidData, 'not an EC key');
  return deriveEcdhSecret(o.algorithm, o.secret, r.rest());
};

function rsaKeyFor(ctx: CommandContext, payload: Uint8Array, bit: number): { o: DeviceObject; r: ByteReader } {
  const key = usableKey(ctx, payload, ObjectType.asymmetricKey, bit, 3);
  if (!isRsaAlgorithm(key.o.algorithm)) fail(DeviceError.invalidData, 'not an RSA key');
  return key;
}

const signPkcs1Handler: CommandHandler = (payload, ctx) => {
  const { o, r } = rsaKeyFor(ctx, payload, CapabilityBit.signPkcs);
  return rsaSignPkcs1(o.algorithm, o.secret, r.rest());
};

const signPssHandler: CommandHandler = (payload, ctx) => {
  const { o, r } = rsaKeyFor(ctx, payload, CapabilityBit.signPss);
  const mgf1 = r.u8();
  const saltLength = r.u16();
  return rsaSignPss(o.algorithm, o.secret, mgf1, saltLength, r.rest(), ctx.random);
};

const decryptPkcs1Handler: CommandHandler = (payload, ctx) => {
  const { o, r } = rsaKeyFor(ctx, payload, CapabilityBit.decryptPkcs);
  return rsaDecryptPkcs1(o.algorithm, o.secret, r.rest());
};

const decryptOaepHandler: CommandHandler = (payload, ctx) => {
  const { o, r } = rsaKeyFor(ctx, payload, CapabilityBit.decryptOaep);
  const mgf1 = r.u8();
  const rest = r.rest();
  const n = o.secret.length;
  if (rest.length <= n) fail(DeviceError.wrongLength, 'missing label hash');
  return rsaDecryptOaep(o.algorithm, o.secret, mgf1, rest.subarray(0, n), rest.subarray(n));
};

// ---- AES symmetric keys (firmware ≥ 2.3) ----------------------------------------------------------------------

const AES_KEY_LENGTH: ReadonlyMap<number, number> = new Map([
  [Algorithm.aes128, 16],
  [Algorithm.aes192, 24],
  [Algorithm.aes256, 32],
]);

/** Symmetric keys and AES ECB/CBC exist from firmware 2.3 on; older reported firmware answers INVALID_COMMAND. */
function requireSymmetricFirmware(ctx: CommandContext): void {
  const [major, minor] = ctx.identity.firmware;
  if (major < 2 || (major === 2 && minor < 3)) fail(DeviceError.invalidCommand, 'no symmetric keys before firmware 2.3');
}

function aesKeyLength(algorithm: number): number {
  return AES_KEY_LENGTH.get(algorithm) ?? fail(DeviceError.invalidData, 'unsupported symmetric algorithm');
}

const putSymmetricKey: CommandHandler = (payload, ctx) => {
  requireSymmetricFirmware(ctx);
  const session = authority(ctx);
  requireSessionCapability(session, CapabilityBit.putSymmetricKey);
  const r = new ByteReader(payload);
  const h = readNewObjectHeader(r);
  const key = r.rest();
  ctx.algorithm = h.algorithm;
  if (key.length !== aesKeyLength(h.algorithm)) fail(DeviceError.invalidData, 'AES key length does not match its algorithm');
  return createObject(ctx, h, { type: ObjectType.symmetricKey, origin: Origin.imported, secret: key.slice() });
};

const generateSymmetricKey: CommandHandler = (payload, ctx) => {
  requireSymmetricFirmware(ctx);
  expectLength(payload, 53);
  const session = authority(ctx);
  requireSessionCapability(session, CapabilityBit.generateSymmetricKey);
  const h = readNewObjectHeader(new ByteReader(payload));
  ctx.algorithm = h.algorithm;
  const length = aesKeyLength(h.algorithm);
  return createObject(ctx, h, {
    type: ObjectType.symmetricKey,
    origin: Origin.generated,
    secret: ctx.random(length).slice(0, length),
  });
};

function aesBlocks(mode: 'ecb' | 'cbc', encrypt: boolean, bit: number): CommandHandler {
  return (payload, ctx) => {
    requireSymmetricFirmware(ctx);
    const { o, r } = usableKey(ctx, payload, ObjectType.symmetricKey, bit);
    if (mode === 'cbc' && r.remaining < 16) fail(DeviceError.wrongLength, 'missing IV');
    const iv = mode === 'cbc' ? r.bytes(16) : null;
    const data = r.rest();
    if (data.length === 0 || data.length % 16 !== 0) fail(DeviceError.wrongLength, 'data must be whole AES blocks');
    const name = `aes-${o.secret.length * 8}-${mode}`;
    const c = encrypt ? createCipheriv(name, o.secret, iv) : createDecipheriv(name, o.secret, iv);
    c.setAutoPadding(false);
    return new Uint8Array(Buffer.concat([c.update(data), c.final()]));
  };
}

// ---- HMAC keys -------------------------------------------------------------------------------------------------

/** node:crypto hash name, output length and largest key (the block size) of each HMAC algorithm. */
const HMAC: ReadonlyMap<number, { hash: string; size: number; maxKey: number }> = new Map([
  [Algorithm.hmacSha1, { hash: 'sha1', size: 20, maxKey: 64 }],
  [Algorithm.hmacSha256, { hash: 'sha256', size: 32, maxKey: 64 }],
  [Algorithm.hmacSha384, { hash: 'sha384', size: 48, maxKey: 128 }],
  [Algorithm.hmacSha512, { hash: 'sha512', size: 64, maxKey: 128 }],
]);

function hmacOf(algorithm: number): { hash: string; size: number; maxKey: number } {
  return HMAC.get(algorithm) ?? fail(DeviceError.invalidData, 'unsupported HMAC algorithm');
}

const putHmacKey: CommandHandler = (payload, ctx) => {
  const session = authority(ctx);
  requireSessionCapability(session, CapabilityBit.putHmacKey);
  const r = new ByteReader(payload);
  const h = readNewObjectHeader(r);
  const key = r.rest();
  ctx.algorithm = h.algorithm;
  const spec = hmacOf(h.algorithm);
  if (key.length === 0 || key.length > spec.maxKey) fail(DeviceError.invalidData, 'HMAC key length out of range');
  return createObject(ctx, h, { type: ObjectType.hmacKey, origin: Origin.imported, secret: key.slice() });
};

/** GenerateHmacKey: a key as long as the hash output (unconfirmed against a device; one place to change). */
const generateHmacKey: CommandHandler = (payload, ctx) => {
  expectLength(payload, 53);
  const session = authority(ctx);
  requireSessionCapability(session, CapabilityBit.generateHmacKey);
  const h = readNewObjectHeader(new ByteReader(payload));
  ctx.algorithm = h.algorithm;
  const spec = hmacOf(h.algorithm);
  return createObject(ctx, h, { type: ObjectType.hmacKey, origin: Origin.generated, secret: ctx.random(spec.size) });
};

function hmacKeyFor(ctx: CommandContext, payload: Uint8Array, bit: number): { o: DeviceObject; rest: Uint8Array } {
  const { o, r } = usableKey(ctx, payload, ObjectType.hmacKey, bit);
  return { o, rest: r.rest() };
}

const signHmac: CommandHandler = (payload, ctx) => {
  const { o, rest } = hmacKeyFor(ctx, payload, CapabilityBit.signHmac);
  if (rest.length === 0) fail(DeviceError.wrongLength, 'no data');
  return new Uint8Array(createHmac(hmacOf(o.algorithm).hash, o.secret).update(rest).digest());
};

const verifyHmac: CommandHandler = (payload, ctx) => {
  const { o, rest } = hmacKeyFor(ctx, payload, CapabilityBit.verifyHmac);
  const spec = hmacOf(o.algorithm);
  if (rest.length <= spec.size) fail(DeviceError.wrongLength, 'no data');
  const mac = rest.subarray(0, spec.size);
  const expected = createHmac(spec.hash, o.secret).update(rest.subarray(spec.size)).digest();
  return Uint8Array.of(timingSafeEqual(expected, mac) ? 1 : 0);
};

// ---- authentication and wrap keys -----------------------------------------------------------------------------

/**
 * PutAuthenticationKey: header ‖ delegated(8) ‖ K-ENC ‖ K-MAC (93 bytes, aes128-yubico-authentication), or, from
 * firmware 2.3, header ‖ delegated(8) ‖ x ‖ y of the host's P-256 key (125 bytes, ecp256-yubico-authentication).
 */
const putAuthenticationKey: CommandHandler = (payload, ctx) => {
  expectLength(payload, 93, 125);
  const session = authority(ctx);
  requireSessionCapability(session, CapabilityBit.putAuthenticationKey);
  const r = new ByteReader(payload);
  const h = readNewObjectHeader(r);
  const delegated = r.u64();
  const secret = r.rest();
  const asymmetric = h.algorithm === Algorithm.ecp256YubicoAuthentication && firmwareAtLeast(ctx.identity.firmware, 2, 3);
  if (!asymmetric && h.algorithm !== Algorithm.aes128YubicoAuthentication) fail(DeviceError.invalidData, 'unsupported authentication key algorithm');
  if (secret.length !== (asymmetric ? 64 : 32)) fail(DeviceError.wrongLength, 'authentication key length does not match its algorithm');
  if (asymmetric && !isP256Point(secret)) fail(DeviceError.invalidData, 'not a P-256 public key');
  return createObject(ctx, h, { type: ObjectType.authenticationKey, delegated, origin: Origin.imported, secret });
};

/** ChangeAuthenticationKey: new K-ENC ‖ K-MAC for the session's own authentication key; everything else stays. */
const changeAuthenticationKey: CommandHandler = (payload, ctx) => {
  expectLength(payload, 35);
  const session = authority(ctx);
  const r = new ByteReader(payload);
  const id = r.u16();
  const algorithm = r.u8();
  const secret = r.bytes(32);
  ctx.targetKey = id;
  requireSessionCapability(session, CapabilityBit.changeAuthenticationKey);
  if (id !== session.authKeyId) fail(DeviceError.invalidId, 'a session may only change its own authentication key');
  if (algorithm !== Algorithm.aes128YubicoAuthentication) fail(DeviceError.invalidData, 'unsupported authentication key algorithm');
  const current = visibleObject(ctx, id, ObjectType.authenticationKey);
  requireObjectCapability(current, CapabilityBit.changeAuthenticationKey);
  if (current.algorithm !== Algorithm.aes128YubicoAuthentication) fail(DeviceError.invalidData, 'changing an asymmetric authentication key is not implemented');
  ctx.state.objects.replace({ ...current, secret: secret.slice(), origin: Origin.imported });
  ctx.mutated = true;
  return u16(id);
};

const putWrapKey: CommandHandler = (payload, ctx) => {
  const session = authority(ctx);
  requireSessionCapability(session, CapabilityBit.putWrapKey);
  const r = new ByteReader(payload);
  const h = readNewObjectHeader(r);
  const delegated = r.u64();
  const secret = r.rest();
  const len = wrapKeyLength(h.algorithm);
  if (len === undefined) fail(DeviceError.invalidData, 'unsupported wrap key algorithm');
  if (secret.length !== len) fail(DeviceError.wrongLength, 'wrap key length does not match its algorithm');
  return createObject(ctx, h, { type: ObjectType.wrapKey, delegated, origin: Origin.imported, secret });
};

const generateWrapKey: CommandHandler = (payload, ctx) => {
  expectLength(payload, 61);
  const session = authority(ctx);
  requireSessionCapability(session, CapabilityBit.generateWrapKey);
  const r = new ByteReader(payload);
  const h = readNewObjectHeader(r);
  const delegated = r.u64();
  const len = wrapKeyLength(h.algorithm);
  if (len === undefined) fail(DeviceError.invalidData, 'unsupported wrap key algorithm');
  return createObject(ctx, h, { type: ObjectType.wrapKey, delegated, origin: Origin.generated, secret: ctx.random(len) });
};

const exportWrapped: CommandHandler = (payload, ctx) => {
  expectLength(payload, 5, 6);
  const session = authority(ctx);
  const r = new ByteReader(payload);
  const wrapId = r.u16();
  const type = r.u8();
  const id = r.u16();
  const format = payload.length === 6 ? r.u8() : 0;
  ctx.targetKey = wrapId;
  ctx.secondKey = id;
  requireSessionCapability(session, CapabilityBit.exportWrapped);
  if (format > 1) fail(DeviceError.invalidData, 'unknown export format');
  const wrapKey = visibleObject(ctx, wrapId, ObjectType.wrapKey);
  requireObjectCapability(wrapKey, CapabilityBit.exportWrapped);
  const target = visibleObject(ctx, id, type);
  requireObjectCapability(target, CapabilityBit.exportableUnderWrap);
  if (!isSubset(target.capabilities, wrapKey.delegated) || !isSubset(target.delegated, wrapKey.delegated)) {
    fail(DeviceError.insufficientPermissions, 'object capabilities exceed the wrap key delegated set');
  }
  return wrapObject(wrapKey, target, format, ctx.random(13));
};

const importWrapped: CommandHandler = (payload, ctx) => {
  const session = authority(ctx);
  if (payload.length < 2) fail(DeviceError.wrongLength, 'missing wrap key id');
  const r = new ByteReader(payload);
  const wrapId = r.u16();
  const blob = r.rest();
  ctx.targetKey = wrapId;
  requireSessionCapability(session, CapabilityBit.importWrapped);
  const wrapKey = visibleObject(ctx, wrapId, ObjectType.wrapKey);
  requireObjectCapability(wrapKey, CapabilityBit.importWrapped);
  const obj = unwrapObject(wrapKey, blob);
  ctx.secondKey = obj.id;
  ctx.algorithm = obj.algorithm;
  if (!isSubset(obj.capabilities, wrapKey.delegated) || !isSubset(obj.delegated, wrapKey.delegated)) {
    fail(DeviceError.insufficientPermissions, 'wrapped object capabilities exceed the wrap key delegated set');
  }
  if (obj.id === 0 || obj.domains === 0) fail(DeviceError.invalidData, 'wrapped object has no id or no domains');
  const stored = ctx.state.objects.insert({ ...obj, origin: Origin.importedWrapped | (obj.origin & 0x0f) }, true);
  ctx.mutated = true;
  return new ByteWriter().u8(stored.type).u16(stored.id).finish();
};

function wrapKeyFor(ctx: CommandContext, payload: Uint8Array, bit: number): { key: DeviceObject; rest: Uint8Array } {
  const { o, r } = usableKey(ctx, payload, ObjectType.wrapKey, bit);
  return { key: o, rest: r.rest() };
}

const wrapDataHandler: CommandHandler = (payload, ctx) => {
  const { key, rest } = wrapKeyFor(ctx, payload, CapabilityBit.wrapData);
  if (rest.length === 0) fail(DeviceError.wrongLength, 'no data');
  return wrapData(key, rest, ctx.random(13).slice(0, 13));
};

const unwrapDataHandler: CommandHandler = (payload, ctx) => {
  const { key, rest } = wrapKeyFor(ctx, payload, CapabilityBit.unwrapData);
  return unwrapData(key, rest);
};

const deleteObject: CommandHandler = (payload, ctx) => {
  expectLength(payload, 3);
  const session = authority(ctx);
  const r = new ByteReader(payload);
  const id = r.u16();
  const type = r.u8();
  ctx.targetKey = id;
  const bit = deleteCapabilityFor(type);
  if (bit === undefined) fail(DeviceError.invalidData, 'unknown object type');
  requireSessionCapability(session, bit);
  visibleObject(ctx, id, type);
  ctx.state.objects.delete(id, type);
  ctx.mutated = true;
  return EMPTY;
};

// ---- audit log and options ------------------------------------------------------------------------------------

const getLogEntries: CommandHandler = (payload, ctx) => {
  expectLength(payload, 0);
  requireSessionCapability(authority(ctx), CapabilityBit.getLogEntries);
  const log = ctx.state.log;
  const w = new ByteWriter().u16(log.unloggedBoot).u16(log.unloggedAuth).u8(log.used);
  for (const e of log.list()) w.bytes(encodeLogEntry(e));
  return w.finish();
};

const setLogIndex: CommandHandler = (payload, ctx) => {
  expectLength(payload, 2);
  requireSessionCapability(authority(ctx), CapabilityBit.getLogEntries);
  const index = new ByteReader(payload).u16();
  ctx.state.log.setIndex(index);
  ctx.state.log.unloggedBoot = 0;
  ctx.state.log.unloggedAuth = 0;
  ctx.mutated = true;
  return EMPTY;
};

const getOption: CommandHandler = (payload, ctx) => {
  expectLength(payload, 1);
  requireSessionCapability(authority(ctx), CapabilityBit.getOption);
  const option = payload[0]!;
  switch (option) {
    case DeviceOption.forceAudit:
      return Uint8Array.of(ctx.state.audit.forceAudit);
    case DeviceOption.commandAudit: {
      const w = new ByteWriter();
      for (const [c, v] of [...ctx.state.audit.commandAudit].sort((a, b) => a[0] - b[0])) w.u8(c).u8(v);
      return w.finish();
    }
    case DeviceOption.algorithmToggle: {
      const w = new ByteWriter();
      for (const a of algorithmsFor(ctx.identity.firmware)) w.u8(a).u8(1);
      return w.finish();
    }
    default:
      // fips-mode (5) included: this is a non-FIPS device.
      return fail(DeviceError.invalidData, 'unsupported option');
  }
};

const setOption: CommandHandler = (payload, ctx) => {
  requireSessionCapability(authority(ctx), CapabilityBit.setOption);
  const r = new ByteReader(payload);
  const option = r.u8();
  const len = r.u16();
  const value = r.bytes(len);
  r.end();
  const audit = ctx.state.audit;
  switch (option) {
    case DeviceOption.forceAudit:
      if (value.length !== 1 || value[0]! > 2) fail(DeviceError.invalidData);
      if (audit.forceAudit === 2) fail(DeviceError.invalidData, 'force-audit is fixed');
      audit.forceAudit = value[0]!;
      break;
    case DeviceOption.commandAudit:
      if (value.length % 2 !== 0) fail(DeviceError.invalidData);
      for (let i = 0; i < value.length; i += 2) {
        const cmd = value[i]!;
        const v = value[i + 1]!;
        if (!audit.commandAudit.has(cmd) || v > 2) fail(DeviceError.invalidData, 'bad command-audit entry');
        if (audit.commandAudit.get(cmd) === 2) fail(DeviceError.invalidData, 'command audit is fixed');
      }
      for (let i = 0; i < value.length; i += 2) audit.commandAudit.set(value[i]!, value[i + 1]!);
      break;
    default:
      fail(DeviceError.invalidData, 'unsupported option');
  }
  ctx.mutated = true;
  return EMPTY;
};

/** Handlers by command code. Commands missing here answer INVALID_COMMAND. */
export const COMMAND_HANDLERS: ReadonlyMap<number, CommandHandler> = new Map<number, CommandHandler>([
  [Command.echo, echo],
  [Command.deviceInfo, deviceInfo],
  [Command.getDevicePublicKey, getDevicePublicKey],
  [Command.closeSession, closeSession],
  [Command.blinkDevice, blinkDevice],
  [Command.getPseudoRandom, getPseudoRandom],
  [Command.resetDevice, resetDevice],
  [Command.getStorageInfo, getStorageInfo],
  [Command.listObjects, listObjects],
  [Command.getObjectInfo, getObjectInfo],
  [Command.getPublicKey, getPublicKey],
  [Command.putOpaque, putOpaque],
  [Command.getOpaque, getOpaque],
  [Command.signAttestationCertificate, signAttestationCertificate],
  [Command.generateAsymmetricKey, generateAsymmetricKey],
  [Command.putAsymmetricKey, putAsymmetricKey],
  [Command.signEcdsa, signEcdsa],
  [Command.signEddsa, signEddsa],
  [Command.putAuthenticationKey, putAuthenticationKey],
  [Command.changeAuthenticationKey, changeAuthenticationKey],
  [Command.deriveEcdh, deriveEcdh],
  [Command.signPkcs1, signPkcs1Handler],
  [Command.signPss, signPssHandler],
  [Command.decryptPkcs1, decryptPkcs1Handler],
  [Command.decryptOaep, decryptOaepHandler],
  [Command.putHmacKey, putHmacKey],
  [Command.generateHmacKey, generateHmacKey],
  [Command.signHmac, signHmac],
  [Command.verifyHmac, verifyHmac],
  [Command.putWrapKey, putWrapKey],
  [Command.generateWrapKey, generateWrapKey],
  [Command.exportWrapped, exportWrapped],
  [Command.importWrapped, importWrapped],
  [Command.deleteObject, deleteObject],
  [Command.wrapData, wrapDataHandler],
  [Command.putSymmetricKey, putSymmetricKey],
  [Command.generateSymmetricKey, generateSymmetricKey],
  [Command.encryptEcb, aesBlocks('ecb', true, CapabilityBit.encryptEcb)],
  [Command.decryptEcb, aesBlocks('ecb', false, CapabilityBit.decryptEcb)],
  [Command.encryptCbc, aesBlocks('cbc', true, CapabilityBit.encryptCbc)],
  [Command.decryptCbc, aesBlocks('cbc', false, CapabilityBit.decryptCbc)],
  [Command.unwrapData, unwrapDataHandler],
  [Command.getLogEntries, getLogEntries],
  [Command.setLogIndex, setLogIndex],
  [Command.getOption, getOption],
  [Command.setOption, setOption],
  ...OTP_HANDLERS,
]);

/** Commands accepted outside a session (the rest must come inside SessionMessage). */
export const CLEAR_HANDLERS: ReadonlySet<number> = new Set([Command.echo, Command.deviceInfo, Command.getDevicePublicKey]);
