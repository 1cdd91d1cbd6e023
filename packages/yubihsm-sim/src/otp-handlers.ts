/**
 * Yubico OTP AEAD keys and the OTP commands, as libyubihsm and python-yubihsm use them (the old dev docs' command
 * pages give the layouts).
 *
 * An OTP AEAD key holds its nonce id (the 4 bytes as the Put/Generate request carried them) and an AES key. An AEAD
 * is `nonce(6) ‖ AES-CCM(key, nonceId ‖ nonce ‖ 00 00 00, credential key(16) ‖ private id(6)) ‖ tag(8)`, 36 bytes,
 * no associated data (python-yubihsm's test_randomize_aead decrypts it this way). DecryptOtp opens the AEAD,
 * AES-ECB-decrypts the 16-byte OTP with the credential key, checks the private id and the CRC, and answers the
 * counters in the token's own little-endian byte order.
 */
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { ByteReader } from '@openkms/yubihsm';
import { requireObjectCapability, requireSessionCapability } from './capability-rules.js';
import type { CommandContext } from './command-context.js';
import { Algorithm, CapabilityBit, Command, DeviceError, ObjectType, Origin } from './device-codes.js';
import { fail } from './device-failure.js';
import { authority, createObject, expectLength, readNewObjectHeader, usableKey, visibleObject, type CommandHandler } from './handler-support.js';
import type { DeviceObject } from './object-store.js';
import { ccmName } from './wrap-format.js';

const OTP_KEY_LENGTH: ReadonlyMap<number, number> = new Map([
  [Algorithm.aes128YubicoOtp, 16],
  [Algorithm.aes192YubicoOtp, 24],
  [Algorithm.aes256YubicoOtp, 32],
]);

const NONCE_ID_LENGTH = 4;
const AEAD_NONCE_LENGTH = 6;
const AEAD_TAG_LENGTH = 8;
const CREDENTIAL_LENGTH = 22; // key(16) ‖ private id(6)
const AEAD_LENGTH = AEAD_NONCE_LENGTH + CREDENTIAL_LENGTH + AEAD_TAG_LENGTH;
const OTP_LENGTH = 16;
/** CRC-16 (ISO 13239, reflected, init 0xffff) over a valid token including its CRC field. */
const CRC_RESIDUE = 0xf0b8;

function otpKeyLength(algorithm: number): number {
  return OTP_KEY_LENGTH.get(algorithm) ?? fail(DeviceError.invalidData, 'unsupported OTP AEAD key algorithm');
}

/** Stored secret: nonce id(4) ‖ AES key. */
function nonceIdOf(key: DeviceObject): Uint8Array {
  return key.secret.subarray(0, NONCE_ID_LENGTH);
}

function aesKeyOf(key: DeviceObject): Uint8Array {
  return key.secret.subarray(NONCE_ID_LENGTH);
}

function ccmNonce(key: DeviceObject, nonce: Uint8Array): Uint8Array {
  const n = new Uint8Array(13);
  n.set(nonceIdOf(key), 0);
  n.set(nonce, NONCE_ID_LENGTH);
  return n;
}

function sealAead(key: DeviceObject, credential: Uint8Array, ctx: CommandContext): Uint8Array {
  const nonce = ctx.random(AEAD_NONCE_LENGTH).slice(0, AEAD_NONCE_LENGTH);
  const aes = aesKeyOf(key);
  const c = createCipheriv(ccmName(aes.length), aes, ccmNonce(key, nonce), { authTagLength: AEAD_TAG_LENGTH });
  const ct = Buffer.concat([c.update(credential), c.final()]);
  return new Uint8Array(Buffer.concat([nonce, ct, c.getAuthTag()]));
}

/** The credential (key ‖ private id) in an AEAD made under `key`; INVALID_DATA when it does not authenticate. */
function openAead(key: DeviceObject, aead: Uint8Array): Uint8Array {
  const aes = aesKeyOf(key);
  const nonce = aead.subarray(0, AEAD_NONCE_LENGTH);
  const d = createDecipheriv(ccmName(aes.length), aes, ccmNonce(key, nonce), { authTagLength: AEAD_TAG_LENGTH });
  d.setAuthTag(aead.subarray(AEAD_NONCE_LENGTH + CREDENTIAL_LENGTH));
  try {
    return new Uint8Array(Buffer.concat([d.update(aead.subarray(AEAD_NONCE_LENGTH, AEAD_NONCE_LENGTH + CREDENTIAL_LENGTH)), d.final()]));
  } catch {
    return fail(DeviceError.invalidData, 'OTP AEAD does not authenticate');
  }
}

function crc16(data: Uint8Array): number {
  let crc = 0xffff;
  for (const b of data) {
    crc ^= b;
    for (let i = 0; i < 8; i++) crc = crc & 1 ? (crc >>> 1) ^ 0x8408 : crc >>> 1;
  }
  return crc;
}

const putOtpAeadKey: CommandHandler = (payload, ctx) => {
  requireSessionCapability(authority(ctx), CapabilityBit.putOtpAeadKey);
  const r = new ByteReader(payload);
  const h = readNewObjectHeader(r);
  const nonceId = r.bytes(NONCE_ID_LENGTH);
  const key = r.rest();
  ctx.algorithm = h.algorithm;
  if (key.length !== otpKeyLength(h.algorithm)) fail(DeviceError.invalidData, 'OTP AEAD key length does not match its algorithm');
  return createObject(ctx, h, { type: ObjectType.otpAeadKey, origin: Origin.imported, secret: new Uint8Array([...nonceId, ...key]) });
};

const generateOtpAeadKey: CommandHandler = (payload, ctx) => {
  expectLength(payload, 57);
  requireSessionCapability(authority(ctx), CapabilityBit.generateOtpAeadKey);
  const r = new ByteReader(payload);
  const h = readNewObjectHeader(r);
  const nonceId = r.bytes(NONCE_ID_LENGTH);
  ctx.algorithm = h.algorithm;
  const length = otpKeyLength(h.algorithm);
  const key = ctx.random(length).slice(0, length);
  return createObject(ctx, h, { type: ObjectType.otpAeadKey, origin: Origin.generated, secret: new Uint8Array([...nonceId, ...key]) });
};

const createOtpAead: CommandHandler = (payload, ctx) => {
  expectLength(payload, 2 + CREDENTIAL_LENGTH);
  const { o, r } = usableKey(ctx, payload, ObjectType.otpAeadKey, CapabilityBit.createOtpAead);
  return sealAead(o, r.rest(), ctx);
};

const randomizeOtpAead: CommandHandler = (payload, ctx) => {
  expectLength(payload, 2);
  const { o } = usableKey(ctx, payload, ObjectType.otpAeadKey, CapabilityBit.randomizeOtpAead);
  return sealAead(o, ctx.random(CREDENTIAL_LENGTH).slice(0, CREDENTIAL_LENGTH), ctx);
};

const decryptOtp: CommandHandler = (payload, ctx) => {
  expectLength(payload, 2 + AEAD_LENGTH + OTP_LENGTH);
  const { o, r } = usableKey(ctx, payload, ObjectType.otpAeadKey, CapabilityBit.decryptOtp);
  const credential = openAead(o, r.bytes(AEAD_LENGTH));
  const otp = r.bytes(OTP_LENGTH);
  const d = createDecipheriv('aes-128-ecb', credential.subarray(0, 16), null);
  d.setAutoPadding(false);
  const token = new Uint8Array(Buffer.concat([d.update(otp), d.final()]));
  if (crc16(token) !== CRC_RESIDUE || !Buffer.from(token.subarray(0, 6)).equals(credential.subarray(16, 22))) {
    fail(DeviceError.invalidOtp, 'OTP does not belong to this credential');
  }
  // token: private id(6) ‖ use counter(2 LE) ‖ timestamp low(2 LE) ‖ timestamp high ‖ session counter ‖ random(2) ‖ crc(2)
  return Uint8Array.of(token[6]!, token[7]!, token[11]!, token[10]!, token[8]!, token[9]!);
};

const rewrapOtpAead: CommandHandler = (payload, ctx) => {
  expectLength(payload, 4 + AEAD_LENGTH);
  const { o: from, r } = usableKey(ctx, payload, ObjectType.otpAeadKey, CapabilityBit.rewrapFromOtpAeadKey);
  const toId = r.u16();
  ctx.secondKey = toId;
  requireSessionCapability(authority(ctx), CapabilityBit.rewrapToOtpAeadKey);
  const to = visibleObject(ctx, toId, ObjectType.otpAeadKey);
  requireObjectCapability(to, CapabilityBit.rewrapToOtpAeadKey);
  return sealAead(to, openAead(from, r.bytes(AEAD_LENGTH)), ctx);
};

export const OTP_HANDLERS: ReadonlyMap<number, CommandHandler> = new Map([
  [Command.putOtpAeadKey, putOtpAeadKey],
  [Command.generateOtpAeadKey, generateOtpAeadKey],
  [Command.createOtpAead, createOtpAead],
  [Command.randomizeOtpAead, randomizeOtpAead],
  [Command.decryptOtp, decryptOtp],
  [Command.rewrapOtpAead, rewrapOtpAead],
]);
