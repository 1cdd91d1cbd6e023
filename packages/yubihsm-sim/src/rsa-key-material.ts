/**
 * RSA keys (rsa2048/3072/4096) as the device holds them: the primes p ‖ q (what PutAsymmetricKey carries), public
 * exponent 65537. Private operations run in node:crypto (OpenSSL) with the padding done here where the device gets a
 * digest rather than a message (PKCS#1 v1.5 DigestInfo, EMSA-PSS) or where node refuses it (PKCS#1 v1.5 decryption),
 * over raw RSA (RSA_NO_PADDING).
 */
import { constants, createHash, createPrivateKey, generateKeyPairSync, privateDecrypt, privateEncrypt, timingSafeEqual, type KeyObject } from 'node:crypto';
import { Algorithm, DeviceError } from './device-codes.js';
import { fail } from './device-failure.js';

const E = 65537n;

export const RSA_BITS: ReadonlyMap<number, number> = new Map([
  [Algorithm.rsa2048, 2048],
  [Algorithm.rsa3072, 3072],
  [Algorithm.rsa4096, 4096],
]);

export function isRsaAlgorithm(algorithm: number): boolean {
  return RSA_BITS.has(algorithm);
}

const toBig = (b: Uint8Array): bigint => (b.length === 0 ? 0n : BigInt(`0x${Buffer.from(b).toString('hex')}`));
function toBytes(n: bigint, length: number): Buffer {
  const hex = n.toString(16).padStart(length * 2, '0');
  if (hex.length > length * 2) throw new RangeError('integer too large');
  return Buffer.from(hex, 'hex');
}
const b64u = (n: bigint): string => {
  const hex = n.toString(16);
  return Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex').toString('base64url');
};

function modInverse(a: bigint, m: bigint): bigint {
  let [oldR, r] = [a % m, m];
  let [oldS, s] = [1n, 0n];
  while (r !== 0n) {
    const q = oldR / r;
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  if (oldR !== 1n) throw new RangeError('not invertible');
  return ((oldS % m) + m) % m;
}

const keyCache = new Map<string, KeyObject>();

/** The node:crypto private key of p ‖ q (cached). INVALID_DATA when p and q do not make a key of that size. */
export function rsaPrivateKey(algorithm: number, pq: Uint8Array): KeyObject {
  const bits = RSA_BITS.get(algorithm);
  if (!bits || pq.length !== bits / 8) return fail(DeviceError.invalidData, 'RSA key must be p ‖ q of the key size');
  const id = `${algorithm}:${Buffer.from(pq).toString('hex')}`;
  const cached = keyCache.get(id);
  if (cached) return cached;
  const half = pq.length / 2;
  const p = toBig(pq.subarray(0, half));
  const q = toBig(pq.subarray(half));
  const n = p * q;
  if (p < 3n || q < 3n || p === q || n.toString(2).length !== bits) fail(DeviceError.invalidData, 'RSA primes do not make a key of that size');
  let key: KeyObject;
  try {
    const d = modInverse(E, (p - 1n) * (q - 1n));
    key = createPrivateKey({
      key: {
        kty: 'RSA',
        n: b64u(n),
        e: b64u(E),
        d: b64u(d),
        p: b64u(p),
        q: b64u(q),
        dp: b64u(d % (p - 1n)),
        dq: b64u(d % (q - 1n)),
        qi: b64u(modInverse(q, p)),
      },
      format: 'jwk',
    });
  } catch {
    return fail(DeviceError.invalidData, 'RSA primes are not a key');
  }
  if (keyCache.size >= 64) keyCache.delete(keyCache.keys().next().value!);
  keyCache.set(id, key);
  return key;
}

/** A new key's p ‖ q (node:crypto generates it; the device's random source is not used for RSA here). */
export function generateRsa(algorithm: number): Uint8Array {
  const bits = RSA_BITS.get(algorithm) ?? fail(DeviceError.invalidData, 'not an RSA algorithm');
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: bits, publicExponent: Number(E) });
  const jwk = privateKey.export({ format: 'jwk' });
  const half = bits / 16;
  return new Uint8Array(Buffer.concat([toBytes(toBig(Buffer.from(jwk.p!, 'base64url')), half), toBytes(toBig(Buffer.from(jwk.q!, 'base64url')), half)]));
}

/** The modulus (GetPublicKey's RSA form). */
export function rsaModulus(algorithm: number, pq: Uint8Array): Uint8Array {
  const jwk = rsaPrivateKey(algorithm, pq).export({ format: 'jwk' });
  return new Uint8Array(toBytes(toBig(Buffer.from(jwk.n!, 'base64url')), pq.length));
}

/** DigestInfo prefixes (RFC 8017 §9.2 note 1) by digest length. */
const DIGEST_INFO: ReadonlyMap<number, string> = new Map([
  [20, '3021300906052b0e03021a05000414'],
  [32, '3031300d060960864801650304020105000420'],
  [48, '3041300d060960864801650304020205000430'],
  [64, '3051300d060960864801650304020305000440'],
]);

function rawPrivate(key: KeyObject, block: Uint8Array): Uint8Array {
  return new Uint8Array(privateDecrypt({ key, padding: constants.RSA_NO_PADDING }, block));
}

export function signPkcs1(algorithm: number, pq: Uint8Array, digest: Uint8Array): Uint8Array {
  const prefix = DIGEST_INFO.get(digest.length) ?? fail(DeviceError.invalidData, 'digest length names no hash');
  return new Uint8Array(
    privateEncrypt({ key: rsaPrivateKey(algorithm, pq), padding: constants.RSA_PKCS1_PADDING }, Buffer.concat([Buffer.from(prefix, 'hex'), digest])),
  );
}

const MGF1_HASH: ReadonlyMap<number, string> = new Map([
  [32, 'sha1'],
  [33, 'sha256'],
  [34, 'sha384'],
  [35, 'sha512'],
]);
const HASH_BY_LENGTH: ReadonlyMap<number, string> = new Map([
  [20, 'sha1'],
  [32, 'sha256'],
  [48, 'sha384'],
  [64, 'sha512'],
]);

function mgf1(hash: string, seed: Uint8Array, length: number): Buffer {
  const out: Buffer[] = [];
  for (let c = 0; Buffer.concat(out).length < length; c++) {
    const counter = Buffer.alloc(4);
    counter.writeUInt32BE(c);
    out.push(createHash(hash).update(seed).update(counter).digest());
  }
  return Buffer.concat(out).subarray(0, length);
}

/** RSASSA-PSS (RFC 8017 §9.1.1) over a digest, salt from the device's random source. */
export function signPss(
  algorithm: number,
  pq: Uint8Array,
  mgf1Alg: number,
  saltLength: number,
  digest: Uint8Array,
  random: (n: number) => Uint8Array,
): Uint8Array {
  const hash = HASH_BY_LENGTH.get(digest.length) ?? fail(DeviceError.invalidData, 'digest length names no hash');
  const mgfHash = MGF1_HASH.get(mgf1Alg) ?? fail(DeviceError.invalidData, 'unknown MGF1 algorithm');
  const modBits = RSA_BITS.get(algorithm)!;
  const emBits = modBits - 1;
  const emLen = Math.ceil(emBits / 8);
  const hLen = digest.length;
  if (emLen < hLen + saltLength + 2) fail(DeviceError.invalidData, 'salt too long');
  const salt = random(saltLength).slice(0, saltLength);
  const h = createHash(hash).update(Buffer.alloc(8)).update(digest).update(salt).digest();
  const db = Buffer.concat([Buffer.alloc(emLen - saltLength - hLen - 2), Buffer.of(1), salt]);
  const mask = mgf1(mgfHash, h, db.length);
  for (let i = 0; i < db.length; i++) db[i]! ^= mask[i]!;
  db[0]! &= 0xff >> (8 * emLen - emBits);
  const em = Buffer.concat([db, h, Buffer.of(0xbc)]);
  const block = Buffer.concat([Buffer.alloc(modBits / 8 - em.length), em]);
  return rawPrivate(rsaPrivateKey(algorithm, pq), block);
}

/** RSAES-PKCS1-v1_5 decryption (node refuses this padding for private decryption; decoded here). */
export function decryptPkcs1(algorithm: number, pq: Uint8Array, ciphertext: Uint8Array): Uint8Array {
  if (ciphertext.length !== pq.length) fail(DeviceError.wrongLength, 'ciphertext must be the modulus length');
  const em = rawPrivate(rsaPrivateKey(algorithm, pq), ciphertext);
  const sep = em.indexOf(0, 2);
  if (em[0] !== 0 || em[1] !== 2 || sep < 10) fail(DeviceError.invalidData, 'decryption error');
  return em.slice(sep + 1);
}

/** RSAES-OAEP decryption with the label's hash given (its length names the OAEP hash) and an MGF1 hash. */
export function decryptOaep(algorithm: number, pq: Uint8Array, mgf1Alg: number, ciphertext: Uint8Array, labelHash: Uint8Array): Uint8Array {
  if (ciphertext.length !== pq.length) fail(DeviceError.wrongLength, 'ciphertext must be the modulus length');
  const mgfHash = MGF1_HASH.get(mgf1Alg) ?? fail(DeviceError.invalidData, 'unknown MGF1 algorithm');
  const hLen = labelHash.length;
  if (!HASH_BY_LENGTH.has(hLen)) fail(DeviceError.invalidData, 'label hash length names no hash');
  const em = Buffer.from(rawPrivate(rsaPrivateKey(algorithm, pq), ciphertext));
  const maskedSeed = em.subarray(1, 1 + hLen);
  const maskedDb = em.subarray(1 + hLen);
  const seed = Buffer.from(maskedSeed);
  const seedMask = mgf1(mgfHash, maskedDb, hLen);
  for (let i = 0; i < hLen; i++) seed[i]! ^= seedMask[i]!;
  const db = Buffer.from(maskedDb);
  const dbMask = mgf1(mgfHash, seed, db.length);
  for (let i = 0; i < db.length; i++) db[i]! ^= dbMask[i]!;
  const sep = db.indexOf(1, hLen);
  const padOk = sep >= hLen && db.subarray(hLen, sep).every((b) => b === 0);
  if (em[0] !== 0 || !timingSafeEqual(db.subarray(0, hLen), labelHash) || !padOk) fail(DeviceError.invalidData, 'decryption error');
  return new Uint8Array(db.subarray(sep + 1));
}
