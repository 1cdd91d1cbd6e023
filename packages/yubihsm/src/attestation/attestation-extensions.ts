/**
 * The X.509 extensions a YubiHSM2 puts in an attestation certificate (Yubico's "Attestation" concept page), under
 * 1.3.6.1.4.1.41482.4. Each extension value is one DER primitive:
 *
 * | OID suffix | what | DER type |
 * |---|---|---|
 * | .1 | firmware version (major, minor, patch) | OCTET STRING of 3 bytes |
 * | .2 | device serial number | INTEGER |
 * | .3 | origin of the attested key (GetObjectInfo origin byte) | BIT STRING |
 * | .4 | domains of the attested key | BIT STRING |
 * | .5 | capabilities of the attested key | BIT STRING |
 * | .6 | object id of the attested key | INTEGER |
 * | .9 | label of the attested key | UTF8String |
 *
 * The BIT STRINGs carry the device's big-endian field bytes (origin 1, domains 2, capabilities 8) with no unused
 * bits. Unconfirmed against a device: Yubico documents the types, not the bit order; this module is the one place to
 * change it.
 */

import { derTlv as tlv, derUnsignedInteger } from './der-writer.js';

export const YUBICO_ATTESTATION_OID = {
  firmwareVersion: '1.3.6.1.4.1.41482.4.1',
  serialNumber: '1.3.6.1.4.1.41482.4.2',
  origin: '1.3.6.1.4.1.41482.4.3',
  domains: '1.3.6.1.4.1.41482.4.4',
  capabilities: '1.3.6.1.4.1.41482.4.5',
  objectId: '1.3.6.1.4.1.41482.4.6',
  label: '1.3.6.1.4.1.41482.4.9',
} as const;

/** What the Yubico extensions of one attestation certificate say (absent fields: extension missing). */
export interface AttestationExtensions {
  readonly firmwareVersion?: readonly [number, number, number];
  readonly serialNumber?: number;
  readonly origin?: number;
  readonly domains?: number;
  readonly capabilities?: bigint;
  readonly objectId?: number;
  readonly label?: string;
}

function beBytes(n: number | bigint, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let v = BigInt(n);
  for (let i = length - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

const bitString = (bytes: Uint8Array): Uint8Array => tlv(0x03, Uint8Array.of(0, ...bytes));

/** The DER extension values (extnValue contents) for an attested object, by OID. */
export function encodeAttestationExtensions(e: Required<AttestationExtensions>): Array<{ oid: string; value: Uint8Array }> {
  return [
    { oid: YUBICO_ATTESTATION_OID.firmwareVersion, value: tlv(0x04, Uint8Array.from(e.firmwareVersion)) },
    { oid: YUBICO_ATTESTATION_OID.serialNumber, value: derUnsignedInteger(e.serialNumber) },
    { oid: YUBICO_ATTESTATION_OID.origin, value: bitString(beBytes(e.origin, 1)) },
    { oid: YUBICO_ATTESTATION_OID.domains, value: bitString(beBytes(e.domains, 2)) },
    { oid: YUBICO_ATTESTATION_OID.capabilities, value: bitString(beBytes(e.capabilities, 8)) },
    { oid: YUBICO_ATTESTATION_OID.objectId, value: derUnsignedInteger(e.objectId) },
    { oid: YUBICO_ATTESTATION_OID.label, value: tlv(0x0c, new TextEncoder().encode(e.label)) },
  ];
}

/** The device-level extensions (firmware, serial) a device attestation certificate carries. */
export function encodeDeviceExtensions(firmware: readonly [number, number, number], serial: number): Array<{ oid: string; value: Uint8Array }> {
  return [
    { oid: YUBICO_ATTESTATION_OID.firmwareVersion, value: tlv(0x04, Uint8Array.from(firmware)) },
    { oid: YUBICO_ATTESTATION_OID.serialNumber, value: derUnsignedInteger(serial) },
  ];
}

/** Reads one DER primitive of the expected tag; throws on anything else (trailing bytes included). */
function readPrimitive(der: Uint8Array, tag: number): Uint8Array {
  if (der.length < 2 || der[0] !== tag) throw new Error(`expected DER tag 0x${tag.toString(16)}`);
  let len = der[1]!;
  let off = 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n < 1 || n > 2 || der.length < 2 + n) throw new Error('bad DER length');
    len = 0;
    for (let i = 0; i < n; i++) len = (len << 8) | der[2 + i]!;
    off = 2 + n;
  }
  if (off + len !== der.length) throw new Error('DER length does not match');
  return der.subarray(off);
}

function toBigInt(bytes: Uint8Array): bigint {
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return v;
}

function readUnsigned(der: Uint8Array, maxBytes: number): bigint {
  const body = readPrimitive(der, 0x02);
  if (body.length === 0 || body[0]! & 0x80) throw new Error('negative or empty INTEGER');
  const trimmed = body[0] === 0 && body.length > 1 ? body.subarray(1) : body;
  if (trimmed.length > maxBytes) throw new Error('INTEGER too large');
  return toBigInt(trimmed);
}

function readBits(der: Uint8Array, maxBytes: number): bigint {
  const body = readPrimitive(der, 0x03);
  if (body.length < 1 || body[0] !== 0 || body.length - 1 > maxBytes) throw new Error('bad BIT STRING');
  return toBigInt(body.subarray(1));
}

/** Decodes the Yubico extensions among `extensions` (OID → DER extnValue contents). Throws on a malformed value. */
export function decodeAttestationExtensions(extensions: ReadonlyMap<string, Uint8Array>): AttestationExtensions {
  const get = (oid: string): Uint8Array | undefined => extensions.get(oid);
  const out: { -readonly [K in keyof AttestationExtensions]: AttestationExtensions[K] } = {};
  const fw = get(YUBICO_ATTESTATION_OID.firmwareVersion);
  if (fw) {
    const b = readPrimitive(fw, 0x04);
    if (b.length !== 3) throw new Error('firmware version is not 3 bytes');
    out.firmwareVersion = [b[0]!, b[1]!, b[2]!];
  }
  const serial = get(YUBICO_ATTESTATION_OID.serialNumber);
  if (serial) out.serialNumber = Number(readUnsigned(serial, 4));
  const origin = get(YUBICO_ATTESTATION_OID.origin);
  if (origin) out.origin = Number(readBits(origin, 1));
  const domains = get(YUBICO_ATTESTATION_OID.domains);
  if (domains) out.domains = Number(readBits(domains, 2));
  const caps = get(YUBICO_ATTESTATION_OID.capabilities);
  if (caps) out.capabilities = readBits(caps, 8);
  const id = get(YUBICO_ATTESTATION_OID.objectId);
  if (id) out.objectId = Number(readUnsigned(id, 2));
  const label = get(YUBICO_ATTESTATION_OID.label);
  if (label) out.label = new TextDecoder('utf-8', { fatal: true }).decode(readPrimitive(label, 0x0c));
  return out;
}
