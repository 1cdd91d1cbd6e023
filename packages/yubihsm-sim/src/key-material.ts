import { concatBytes } from '@openkms/core';
/**
 * Private-key operations for the asymmetric algorithms the simulator supports (ecp256, eck256, ed25519).
 *
 * Ed25519 keys are held in the "expanded" form the device's wrap format uses (clamped scalar big-endian ‖ prefix ‖ A,
 * 96 bytes) plus, when known, the 32-byte seed. Signing only needs the expanded form, so a key imported from a
 * legacy (format 0) wrap blob, which carries no seed, can still sign.
 */
import { createECDH, createPrivateKey, sign as nodeSign, timingSafeEqual, type KeyObject } from 'node:crypto';
import { p256, p384, p521 } from '@noble/curves/nist.js';
import { brainpoolP256r1, brainpoolP384r1, brainpoolP512r1 } from '@noble/curves/misc.js';
import { ecdsa, weierstrass } from '@noble/curves/abstract/weierstrass.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha224, sha512 } from '@noble/hashes/sha2.js';
import { EC_CURVES } from '@openkms/yubihsm';
import { Algorithm, DeviceError } from './device-codes.js';
import { fail } from './device-failure.js';
import { isRsaAlgorithm } from './rsa-key-material.js';

const ED25519_ORDER = 2n ** 252n + 27742317777372353535851937790883648493n;

type WeierstrassCurve = typeof p256;

/** P-224 is not among @noble/curves' named curves: its SEC 2 / FIPS 186 parameters (as `openssl ecparam -name secp224r1 -param_enc explicit` prints them). */
let p224: WeierstrassCurve | undefined;
function p224Curve(): WeierstrassCurve {
  p224 ??= ecdsa(
    weierstrass({
      p: 0xffffffffffffffffffffffffffffffff000000000000000000000001n,
      n: 0xffffffffffffffffffffffffffff16a2e0b8f03e13dd29455c5c2a3dn,
      h: 1n,
      a: 0xfffffffffffffffffffffffffffffffefffffffffffffffffffffffen,
      b: 0xb4050a850c04b3abf54132565044b0b7d7bfd8ba270b39432355ffb4n,
      Gx: 0xb70e0cbd6bb4bf7f321390b94a03c1d356c21122343280d6115c1d21n,
      Gy: 0xbd376388b5f723fb4c22dfe6cd4375a05a07476444d5819985007e34n,
    }),
    sha224,
  ) as unknown as WeierstrassCurve;
  return p224;
}

export function weierstrassCurve(algorithm: number): WeierstrassCurve | undefined {
  switch (algorithm) {
    case Algorithm.ecp224:
      return p224Curve();
    case Algorithm.ecp256:
      return p256;
    case Algorithm.ecp384:
      return p384 as unknown as WeierstrassCurve;
    case Algorithm.ecp521:
      return p521 as unknown as WeierstrassCurve;
    case Algorithm.eck256:
      return secp256k1 as unknown as WeierstrassCurve;
    case Algorithm.ecbp256:
      return brainpoolP256r1 as unknown as WeierstrassCurve;
    case Algorithm.ecbp384:
      return brainpoolP384r1 as unknown as WeierstrassCurve;
    case Algorithm.ecbp512:
      return brainpoolP512r1 as unknown as WeierstrassCurve;
    default:
      return undefined;
  }
}

/** Byte length of a private scalar (and of each public coordinate) of an EC algorithm. */
export function ecScalarLength(algorithm: number): number {
  return EC_CURVES.get(algorithm)?.size ?? fail(DeviceError.invalidData, 'not an EC algorithm');
}

export function isEcAlgorithm(algorithm: number): boolean {
  return EC_CURVES.has(algorithm);
}

export function isSupportedAsymmetricAlgorithm(algorithm: number): boolean {
  return isEcAlgorithm(algorithm) || algorithm === Algorithm.ed25519 || isRsaAlgorithm(algorithm);
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

/** Validates an EC private scalar (curve size, 1 ≤ d < n). Throws INVALID_DATA otherwise. */
export function checkEcScalar(algorithm: number, d: Uint8Array): void {
  const curve = weierstrassCurve(algorithm);
  if (!curve || d.length !== ecScalarLength(algorithm)) fail(DeviceError.invalidData, 'bad EC key length');
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
  const size = ecScalarLength(algorithm);
  const topBits = n.toString(2).length % 8;
  for (let i = 0; i < 64; i++) {
    const candidate = random(size).slice(0, size);
    if (topBits !== 0) candidate[0]! &= (1 << topBits) - 1;
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

/** ECDH: the x coordinate of d·P for a peer's uncompressed point on the key's curve; INVALID_DATA for a bad point. */
export function deriveEcdhSecret(algorithm: number, d: Uint8Array, peer: Uint8Array): Uint8Array {
  const curve = EC_CURVES.get(algorithm);
  if (!curve) return fail(DeviceError.invalidData, 'not an EC key');
  if (peer.length !== 1 + 2 * curve.size || peer[0] !== 4) fail(DeviceError.invalidData, 'peer public key must be uncompressed on the key curve');
  const ecdh = createECDH(curve.nodeName);
  ecdh.setPrivateKey(d);
  try {
    return new Uint8Array(ecdh.computeSecret(peer));
  } catch {
    return fail(DeviceError.invalidData, 'peer public key is not on the curve');
  }
}
