import { YubiHsmProtocolError } from './errors.js';

/** Capability names (yubihsm-shell spelling) → bit number. The wire form is a big-endian u64 with bit n = 1 << n. */
export const CapabilityBit = {
  'get-opaque': 0x00,
  'put-opaque': 0x01,
  'put-authentication-key': 0x02,
  'put-asymmetric-key': 0x03,
  'generate-asymmetric-key': 0x04,
  'sign-pkcs': 0x05,
  'sign-pss': 0x06,
  'sign-ecdsa': 0x07,
  'sign-eddsa': 0x08,
  'decrypt-pkcs': 0x09,
  'decrypt-oaep': 0x0a,
  'derive-ecdh': 0x0b,
  'export-wrapped': 0x0c,
  'import-wrapped': 0x0d,
  'put-wrap-key': 0x0e,
  'generate-wrap-key': 0x0f,
  'exportable-under-wrap': 0x10,
  'set-option': 0x11,
  'get-option': 0x12,
  'get-pseudo-random': 0x13,
  'put-mac-key': 0x14,
  'generate-hmac-key': 0x15,
  'sign-hmac': 0x16,
  'verify-hmac': 0x17,
  'get-log-entries': 0x18,
  'sign-ssh-certificate': 0x19,
  'get-template': 0x1a,
  'put-template': 0x1b,
  'reset-device': 0x1c,
  'decrypt-otp': 0x1d,
  'create-otp-aead': 0x1e,
  'randomize-otp-aead': 0x1f,
  'rewrap-from-otp-aead-key': 0x20,
  'rewrap-to-otp-aead-key': 0x21,
  'sign-attestation-certificate': 0x22,
  'put-otp-aead-key': 0x23,
  'generate-otp-aead-key': 0x24,
  'wrap-data': 0x25,
  'unwrap-data': 0x26,
  'delete-opaque': 0x27,
  'delete-authentication-key': 0x28,
  'delete-asymmetric-key': 0x29,
  'delete-wrap-key': 0x2a,
  'delete-hmac-key': 0x2b,
  'delete-template': 0x2c,
  'delete-otp-aead-key': 0x2d,
  'change-authentication-key': 0x2e,
  'put-symmetric-key': 0x2f,
  'generate-symmetric-key': 0x30,
  'delete-symmetric-key': 0x31,
  'decrypt-ecb': 0x32,
  'encrypt-ecb': 0x33,
  'decrypt-cbc': 0x34,
  'encrypt-cbc': 0x35,
  'put-public-wrap-key': 0x36,
  'delete-public-wrap-key': 0x37,
} as const;

export type Capability = keyof typeof CapabilityBit;

/** Every defined capability (bits 0–0x37). */
export const ALL_CAPABILITIES_MASK = 0x00ff_ffff_ffff_ffffn;
const U64_MAX = 0xffff_ffff_ffff_ffffn;

/** Either a list of names, the string 'all', or a raw u64 mask. */
export type Capabilities = readonly Capability[] | 'all' | bigint;

const BIT_TO_NAME: ReadonlyMap<number, Capability> = new Map(Object.entries(CapabilityBit).map(([n, b]) => [b, n as Capability]));

export function isCapability(name: string): name is Capability {
  return Object.prototype.hasOwnProperty.call(CapabilityBit, name);
}

/** Capabilities (names, 'all' or mask) → u64 mask. Throws on an unknown name. */
export function capabilityMask(caps: Capabilities): bigint {
  if (typeof caps === 'bigint') {
    if (caps < 0n || caps > U64_MAX) throw new YubiHsmProtocolError('invalid_argument', 'capability mask out of range');
    return caps;
  }
  if (caps === 'all') return ALL_CAPABILITIES_MASK;
  let mask = 0n;
  for (const name of caps) {
    if (!isCapability(name)) throw new YubiHsmProtocolError('invalid_argument', `unknown capability ${String(name)}`);
    mask |= 1n << BigInt(CapabilityBit[name]);
  }
  return mask;
}

/** u64 mask → the defined capability names it contains (undefined bits are dropped). */
export function capabilityNames(mask: bigint): Capability[] {
  const out: Capability[] = [];
  for (let bit = 0; bit < 64; bit++) {
    if ((mask >> BigInt(bit)) & 1n) {
      const name = BIT_TO_NAME.get(bit);
      if (name) out.push(name);
    }
  }
  return out;
}

/** Capabilities → 8 wire bytes (big-endian u64). */
export function encodeCapabilities(caps: Capabilities): Uint8Array {
  const mask = capabilityMask(caps);
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, mask);
  return out;
}

/** 8 wire bytes → u64 mask. */
export function decodeCapabilities(bytes: Uint8Array): bigint {
  if (bytes.length !== 8) throw new YubiHsmProtocolError('malformed_frame', 'capabilities must be 8 bytes');
  return new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0);
}

/** True when `mask` has every capability in `needed`. */
export function hasCapabilities(mask: bigint, needed: Capabilities): boolean {
  const want = capabilityMask(needed);
  return (mask & want) === want;
}

/** True when `inner` ⊆ `outer`. */
export function isCapabilitySubset(inner: bigint, outer: bigint): boolean {
  return (inner & ~outer) === 0n;
}
