import { concatBytes } from '@openkms/core';
/**
 * Private-key operations for the asymmetric algorithms the simulator supports (ecp256, eck256, ed25519).
 *
 * Ed25519 keys are held in the "expanded" form the device's wrap format uses (clamped scalar big-endian ‖ prefix ‖ A,
 * 96 bytes) plus, when known, the 32-byte seed. Signing only needs the expanded form, so a key imported from a
 * legacy (format 0) wrap blob, which carries no seed, can still sign.
 */
import { createECDH, createPrivateKey, sign as nodeSign, timingSafeEqual, type KeyObject } from 'node:crypto';
import { p256 } from '@noble/curves/nist.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { EC_CURVES } from '@openkms/yubihsm';
import { Algorithm, DeviceError } from './device-codes.js';
import { fail } from './device-failure.js';

const ED25519_ORDER = 2n ** 252n + 27742317777372353535851937790883648493n;

type WeierstrassCurve = typeof p256;

export function weierstrassCurve(algorithm: number): WeierstrassCurve | undefined {
  if (algorithm === Algorithm.ecp256) return p256;
  if (algorithm === Algorithm.eck256) return secp256k1 as unknown as WeierstrassCurve;
  return undefined;
}

export function isEcAlgorithm(algorithm: number): boolean {
  return weierstrassCurve(algorithm) !== undefined;
}

export function isSupportedAsymmetricAlgorithm(algorithm: number): boolean {
  return isEcAlgorithm(algorithm) || algorithm === Algorithm.ed25519;
}

function bytesToBigIntBE(bytes: Uint8Array): bigint {
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  return n;
}

function bigIntToBytesBE(n: bigint, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let v = n;
  for (let i = length - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

function bytesToBigIntLE(bytes: Uint8Array): bigint {
  return bytesToBigIntBE(Uint8Array.from(bytes).reverse());
}

/** Validates an EC private scalar (32 bytes, 1 ≤ d < n). Throws INVALID_DATA otherwise. */
export function checkEcScalar(algorithm: number, d: Uint8Array): void {
  const curve = weierstrassCurve(algorithm);
  if (!curve || d.length !== 32) fail(DeviceError.invalidData, 'bad EC key length');
  const n = curve.Point.CURVE().n;
  const v = bytesToBigIntBE(d);
  if (v <= 0n || v >= n) fail(DeviceError.invalidData, 'EC scalar out of range');
}

/**
 * x ‖ y (64 bytes, no 0x04 prefix). Through node:crypto (OpenSSL): @noble/curves' first point multiplication builds
 * its precomputed tables (~100 ms), which a start-up that lists the device's keys would pay.
 */
export function ecPublicKey(algorithm: number, d: Uint8Array): Uint8Array {
  const name = EC_CURVES.get(algorithm)?.nodeName;
  if (name === undefined) fail(DeviceError.invalidData);
  const ecdh = createECDH(name);
  ecdh.setPrivateKey(d);
  return new Uint8Array(ecdh.getPublicKey().subarray(1));
}

/** Generates a valid EC scalar from the device's random source. */
export function generateEcScalar(algorithm: number, random: (n: number) => Uint8Array): Uint8Array {
  const curve = weierstrassCurve(algorithm);
  if (!curve) fail(DeviceError.invalidData);
  const n = curve.Point.CURVE().n;
  for (let i = 0; i < 64; i++) {
    const candidate = random(32);
    const v = bytesToBigIntBE(candidate);
    if (v > 0n && v < n) return candidate;
  }
  fail(DeviceError.commandUnexecuted, 'random source produced no valid scalar');
}

/**
 * ECDSA over the given digest, DER encoded, NOT low-S normalised (like the device). A digest longer than the curve
 * order is truncated to its leftmost bits (bits2int), as firmware ≥ 2.1 does.
 */
export function signEcdsaDigest(algorithm: number, d: Uint8Array, digest: Uint8Array, random: (n: number) => Uint8Array): Uint8Array {
  const curve = weierstrassCurve(algorithm);
  if (!curve) fail(DeviceError.invalidData);
  return curve.sign(digest, d, { prehash: false, lowS: false, format: 'der', extraEntropy: random(32) });
}

/** Expanded Ed25519 key: scalar (big-endian, clamped) ‖ prefix ‖ A — the 96-byte wrap body form. */
export function ed25519ExpandSeed(seed: Uint8Array): Uint8Array {
  if (seed.length !== 32) fail(DeviceError.invalidData, 'bad Ed25519 seed length');
  const h = sha512(seed);
  const scalarLE = h.slice(0, 32);
  scalarLE[0]! &= 248;
  scalarLE[31]! &= 127;
  scalarLE[31]! |= 64;
  const out = new Uint8Array(96);
  out.set(Uint8Array.from(scalarLE).reverse(), 0);
  out.set(h.subarray(32, 64), 32);
  out.set(ed25519.getPublicKey(seed), 64);
  return out;
}

/** Checks that an expanded key's public part matches its scalar. Throws INVALID_DATA otherwise. */
export function checkEd25519Expanded(expanded: Uint8Array): void {
  if (expanded.length !== 96) fail(DeviceError.invalidData);
  const reduced = bytesToBigIntBE(expanded.subarray(0, 32)) % ED25519_ORDER;
  if (reduced === 0n) fail(DeviceError.invalidData);
  const a = ed25519.Point.BASE.multiply(reduced).toBytes();
  if (!equal(a, expanded.subarray(64, 96))) fail(DeviceError.invalidData, 'Ed25519 key inconsistent');
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** RFC 8032 signing from the expanded key (no seed needed). */
export function signEd25519Expanded(expanded: Uint8Array, message: Uint8Array): Uint8Array {
  const s = bytesToBigIntBE(expanded.subarray(0, 32)) % ED25519_ORDER;
  const prefix = expanded.subarray(32, 64);
  const publicKey = expanded.subarray(64, 96);
  const r = bytesToBigIntLE(sha512(concatBytes(prefix, message))) % ED25519_ORDER;
  const rPoint = (r === 0n ? ed25519.Point.ZERO : ed25519.Point.BASE.multiply(r)).toBytes();
  const k = bytesToBigIntLE(sha512(concatBytes(rPoint, publicKey, message))) % ED25519_ORDER;
  const sig = (r + k * s) % ED25519_ORDER;
  return concatBytes(rPoint, Uint8Array.from(bigIntToBytesBE(sig, 32)).reverse());
}

/** DER prefix of an Ed25519 PKCS#8 private key (RFC 8410); the 32-byte seed follows. */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const MAX_CACHED_SEEDS = 256;
const seedKeys = new Map<string, KeyObject>();

/** RFC 8032 signing from the seed through node:crypto (OpenSSL); the signature is the same as signEd25519Expanded's. */
export function signEd25519Seed(seed: Uint8Array, message: Uint8Array): Uint8Array {
  if (seed.length !== 32) fail(DeviceError.invalidData, 'bad Ed25519 seed length');
  const id = Buffer.from(seed).toString('hex');
  let key = seedKeys.get(id);
  if (!key) {
    key = createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
    if (seedKeys.size >= MAX_CACHED_SEEDS) seedKeys.delete(seedKeys.keys().next().value!);
    seedKeys.set(id, key);
  }
  return new Uint8Array(nodeSign(null, message, key));
}
