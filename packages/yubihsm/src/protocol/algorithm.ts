import { namesByCode } from './code-table.js';
/** Algorithm ids (one byte on the wire), with yubihsm-shell names. */
export const Algorithm = {
  'rsa-pkcs1-sha1': 1,
  'rsa-pkcs1-sha256': 2,
  'rsa-pkcs1-sha384': 3,
  'rsa-pkcs1-sha512': 4,
  'rsa-pss-sha1': 5,
  'rsa-pss-sha256': 6,
  'rsa-pss-sha384': 7,
  'rsa-pss-sha512': 8,
  rsa2048: 9,
  rsa3072: 10,
  rsa4096: 11,
  ecp256: 12,
  ecp384: 13,
  ecp521: 14,
  eck256: 15,
  ecbp256: 16,
  ecbp384: 17,
  ecbp512: 18,
  'hmac-sha1': 19,
  'hmac-sha256': 20,
  'hmac-sha384': 21,
  'hmac-sha512': 22,
  'ecdsa-sha1': 23,
  ecdh: 24,
  'rsa-oaep-sha1': 25,
  'rsa-oaep-sha256': 26,
  'rsa-oaep-sha384': 27,
  'rsa-oaep-sha512': 28,
  'aes128-ccm-wrap': 29,
  'opaque-data': 30,
  'opaque-x509-certificate': 31,
  'mgf1-sha1': 32,
  'mgf1-sha256': 33,
  'mgf1-sha384': 34,
  'mgf1-sha512': 35,
  'template-ssh': 36,
  'aes128-yubico-otp': 37,
  'aes128-yubico-authentication': 38,
  'aes192-yubico-otp': 39,
  'aes256-yubico-otp': 40,
  'aes192-ccm-wrap': 41,
  'aes256-ccm-wrap': 42,
  'ecdsa-sha256': 43,
  'ecdsa-sha384': 44,
  'ecdsa-sha512': 45,
  ed25519: 46,
  ecp224: 47,
  'rsa-pkcs1-decrypt': 48,
  'ecp256-yubico-authentication': 49,
  aes128: 50,
  aes192: 51,
  aes256: 52,
  'aes-ecb': 53,
  'aes-cbc': 54,
  'aes-kwp': 55,
} as const;

export type AlgorithmName = keyof typeof Algorithm;

const BY_CODE = namesByCode(Algorithm);

export function algorithmCode(alg: AlgorithmName | number): number {
  return typeof alg === 'number' ? alg : Algorithm[alg];
}

export function algorithmName(code: number): AlgorithmName | undefined {
  return BY_CODE[code];
}

/** AES-CCM wrap key length in bytes for a wrap algorithm, or undefined when `alg` is not a CCM wrap algorithm. */
export function wrapKeyLength(alg: number): number | undefined {
  return alg === Algorithm['aes128-ccm-wrap'] ? 16 : alg === Algorithm['aes192-ccm-wrap'] ? 24 : alg === Algorithm['aes256-ccm-wrap'] ? 32 : undefined;
}
