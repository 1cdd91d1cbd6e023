import { createCipheriv, createDecipheriv, timingSafeEqual, type Cipher } from 'node:crypto';
import { YubiHsmProtocolError } from './errors.js';

/** SCP03 KDF derivation constants. */
export const KdfConstant = {
  cardCryptogram: 0x00,
  hostCryptogram: 0x01,
  sEnc: 0x04,
  sMac: 0x06,
  sRmac: 0x07,
} as const;

export const CHALLENGE_LENGTH = 8;
export const CRYPTOGRAM_LENGTH = 8;
export const MAC_LENGTH = 8;
export const BLOCK_SIZE = 16;

/** The two halves of a symmetric authentication key (K-ENC, K-MAC), 16 bytes each. */
export interface AuthKeyMaterial {
  readonly encKey: Uint8Array;
  readonly macKey: Uint8Array;
}

/** Session keys derived at CreateSession. */
export interface SessionKeys {
  readonly sEnc: Uint8Array;
  readonly sMac: Uint8Array;
  readonly sRmac: Uint8Array;
}

// AES through node:crypto (OpenSSL): no cipher code to load at start-up, and with the per-key objects below cached, a
// frame's AES work costs less than a JavaScript AES. Without padding and on whole blocks, `update` returns every
// block, so `final` (a few µs per call) is skipped. OpenSSL's CMAC is not exposed by node:crypto: CMAC (RFC 4493) is
// the CBC-MAC of the blocks with the last one masked by a subkey derived from AES(K, 0¹²⁸).

function aesName(key: Uint8Array, mode: 'ecb' | 'cbc'): string {
  if (key.length !== 16 && key.length !== 24 && key.length !== 32) throw new YubiHsmProtocolError('invalid_argument', 'AES key must be 16, 24 or 32 bytes');
  return `aes-${key.length * 8}-${mode}`;
}

// ECB holds no state between blocks: one cipher per key serves every later block (session keys live as long as
// their session; the WeakMap lets them go with it).
const ecbCiphers = new WeakMap<Uint8Array, Cipher>();
const cmacSubkeys = new WeakMap<Uint8Array, { k1: Uint8Array; k2: Uint8Array }>();

function cbcEncryptRaw(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Buffer {
  return createCipheriv(aesName(key, 'cbc'), key, iv).setAutoPadding(false).update(data);
}

/** CMAC subkey doubling in GF(2¹²⁸): shift left one bit, xor 0x87 into the last byte when the top bit was set. */
function doubleBlock(b: Uint8Array): Uint8Array {
  const out = new Uint8Array(BLOCK_SIZE);
  for (let i = 0; i < BLOCK_SIZE; i++) out[i] = ((b[i]! << 1) | (i + 1 < BLOCK_SIZE ? b[i + 1]! >>> 7 : 0)) & 0xff;
  if (b[0]! & 0x80) out[BLOCK_SIZE - 1]! ^= 0x87;
  return out;
}

const ZERO_BLOCK = new Uint8Array(BLOCK_SIZE);

/** AES-CMAC (RFC 4493) with a 16/24/32-byte key; 16-byte tag. */
export function aesCmac(key: Uint8Array, data: Uint8Array): Uint8Array {
  let sub = cmacSubkeys.get(key);
  if (sub === undefined) {
    const k1 = doubleBlock(aesEncryptBlock(key, ZERO_BLOCK));
    sub = { k1, k2: doubleBlock(k1) };
    cmacSubkeys.set(key, sub);
  }
  const blocks = Math.max(1, Math.ceil(data.length / BLOCK_SIZE));
  const complete = data.length > 0 && data.length % BLOCK_SIZE === 0;
  const msg = new Uint8Array(blocks * BLOCK_SIZE);
  msg.set(data);
  const last = (blocks - 1) * BLOCK_SIZE;
  const subkey = complete ? sub.k1 : sub.k2;
  if (!complete) msg[data.length] = 0x80;
  for (let i = 0; i < BLOCK_SIZE; i++) msg[last + i]! ^= subkey[i]!;
  const ct = cbcEncryptRaw(key, ZERO_BLOCK, msg);
  return new Uint8Array(ct.subarray(ct.length - BLOCK_SIZE));
}

/** One AES block encryption (ECB, no padding). */
export function aesEncryptBlock(key: Uint8Array, block: Uint8Array): Uint8Array {
  if (block.length !== BLOCK_SIZE) throw new YubiHsmProtocolError('invalid_argument', 'AES block must be 16 bytes');
  let c = ecbCiphers.get(key);
  if (c === undefined) {
    c = createCipheriv(aesName(key, 'ecb'), key, null).setAutoPadding(false);
    ecbCiphers.set(key, c);
  }
  return new Uint8Array(c.update(block));
}

export function aesCbcEncrypt(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
  if (data.length % BLOCK_SIZE !== 0) throw new YubiHsmProtocolError('invalid_argument', 'plaintext is not a whole number of blocks');
  return new Uint8Array(cbcEncryptRaw(key, iv, data));
}

export function aesCbcDecrypt(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array {
  if (data.length === 0 || data.length % BLOCK_SIZE !== 0) throw new YubiHsmProtocolError('malformed_frame', 'ciphertext is not a whole number of blocks');
  return new Uint8Array(createDecipheriv(aesName(key, 'cbc'), key, iv).setAutoPadding(false).update(data));
}

/**
 * NIST SP 800-108 counter-mode KDF with AES-CMAC as PRF, SCP03 layout:
 * CMAC(K, 00×11 ‖ const ‖ 00 ‖ L(2) ‖ 01 ‖ context)[0 : L/8]. One block covers L ≤ 128.
 */
export function scp03Derive(key: Uint8Array, constant: number, context: Uint8Array, lengthBits: number): Uint8Array {
  if (lengthBits <= 0 || lengthBits > 128 || lengthBits % 8 !== 0) throw new YubiHsmProtocolError('invalid_argument', 'KDF output length must be 8..128 bits');
  const input = new Uint8Array(16 + context.length);
  input[11] = constant & 0xff;
  input[12] = 0x00;
  input[13] = lengthBits >> 8;
  input[14] = lengthBits & 0xff;
  input[15] = 0x01;
  input.set(context, 16);
  return aesCmac(key, input).slice(0, lengthBits / 8);
}

function sessionContext(hostChallenge: Uint8Array, cardChallenge: Uint8Array): Uint8Array {
  if (hostChallenge.length !== CHALLENGE_LENGTH || cardChallenge.length !== CHALLENGE_LENGTH) {
    throw new YubiHsmProtocolError('invalid_argument', 'challenges must be 8 bytes each');
  }
  const ctx = new Uint8Array(16);
  ctx.set(hostChallenge, 0);
  ctx.set(cardChallenge, 8);
  return ctx;
}

/** S-ENC, S-MAC, S-RMAC from the auth key and the two challenges (context = host ‖ card). */
export function deriveSessionKeys(authKey: AuthKeyMaterial, hostChallenge: Uint8Array, cardChallenge: Uint8Array): SessionKeys {
  const ctx = sessionContext(hostChallenge, cardChallenge);
  return {
    sEnc: scp03Derive(authKey.encKey, KdfConstant.sEnc, ctx, 128),
    sMac: scp03Derive(authKey.macKey, KdfConstant.sMac, ctx, 128),
    sRmac: scp03Derive(authKey.macKey, KdfConstant.sRmac, ctx, 128),
  };
}

/** The 8-byte card cryptogram the device returns in CreateSession. */
export function cardCryptogram(keys: SessionKeys, hostChallenge: Uint8Array, cardChallenge: Uint8Array): Uint8Array {
  return scp03Derive(keys.sMac, KdfConstant.cardCryptogram, sessionContext(hostChallenge, cardChallenge), 64);
}

/** The 8-byte host cryptogram the host sends in AuthenticateSession. */
export function hostCryptogram(keys: SessionKeys, hostChallenge: Uint8Array, cardChallenge: Uint8Array): Uint8Array {
  return scp03Derive(keys.sMac, KdfConstant.hostCryptogram, sessionContext(hostChallenge, cardChallenge), 64);
}

/** ISO/IEC 7816-4 padding (0x80 then zeros) to a multiple of 16; a whole block is added when already aligned. */
export function isoPad(data: Uint8Array): Uint8Array {
  const padded = new Uint8Array((Math.floor(data.length / BLOCK_SIZE) + 1) * BLOCK_SIZE);
  padded.set(data);
  padded[data.length] = 0x80;
  return padded;
}

/** Removes ISO/IEC 7816-4 padding; throws `bad_padding` when it is malformed. */
export function isoUnpad(data: Uint8Array): Uint8Array {
  let i = data.length - 1;
  while (i >= 0 && data[i] === 0x00) i--;
  if (i < 0 || data[i] !== 0x80 || data.length - i > BLOCK_SIZE) throw new YubiHsmProtocolError('bad_padding', 'bad ISO 7816-4 padding');
  return data.slice(0, i);
}

/** 16-byte big-endian encoding of the message counter. */
export function counterBlock(counter: bigint): Uint8Array {
  const out = new Uint8Array(16);
  let c = counter;
  for (let i = 15; i >= 0; i--) {
    out[i] = Number(c & 0xffn);
    c >>= 8n;
  }
  return out;
}

/** IV for a SessionMessage = AES-ECB(S-ENC, counter as 16-byte BE). */
export function sessionIv(sEnc: Uint8Array, counter: bigint): Uint8Array {
  return aesEncryptBlock(sEnc, counterBlock(counter));
}

/** Constant-time comparison (node:crypto timingSafeEqual; unequal lengths are simply unequal). */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
