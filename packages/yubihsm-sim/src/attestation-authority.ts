/**
 * The simulator's attestation: a per-device attestation key (EC P-256, "attestation key 0") and its certificate
 * (opaque object 0), issued by a self-signed per-device root that says it is a simulator's and never Yubico's, and the
 * attestation certificates SignAttestationCertificate issues, as Yubico's Attestation concept page describes them:
 * the attested public key; a random 16-byte serial; issuer = the attesting certificate's subject; validity copied
 * from the attesting certificate; subject "YubiHSM Attestation id:0x…"; ECDSA-SHA256; the Yubico extensions.
 *
 * Certificates are written with the driver's small DER writer (synchronous, no ASN.1 library loaded with the device).
 */
import { createPrivateKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import {
  derBitString,
  derOid,
  derSequence,
  derTlv,
  derUnsignedInteger,
  EC_CURVES,
  encodeAttestationExtensions,
  encodeDeviceExtensions,
  publicKeyInfoDer,
} from '@openkms/yubihsm';
import { Algorithm, DeviceError } from './device-codes.js';
import { fail } from './device-failure.js';
import { ecPublicKey, generateEcScalar } from './key-material.js';

export const SIMULATOR_ATTESTATION_ROOT_CN = 'openKMS YubiHSM2 simulator attestation root — NOT Yubico';
const ORGANIZATION = 'openKMS simulator (not Yubico)';

/** What the device keeps for attestation key 0 (never listed, never deleted, kept across ResetDevice). */
export interface DeviceAttestation {
  /** P-256 private scalar of attestation key 0. */
  readonly keySecret: Uint8Array;
  /** Opaque object 0: the device attestation certificate (DER), issued by `rootCertificate`. */
  readonly certificate: Uint8Array;
  /** The simulator's self-signed root (DER): what `openkms sim --attestation-root FILE` exports. */
  readonly rootCertificate: Uint8Array;
}

const ECDSA_WITH_SHA256 = derSequence(derOid('1.2.840.10045.4.3.2'));
const OID_CN = '2.5.4.3';
const OID_O = '2.5.4.10';
const OID_BASIC_CONSTRAINTS = '2.5.29.19';
const NOT_AFTER = new Date(Date.UTC(9999, 11, 31, 23, 59, 59));

function utf8(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

function name(cn: string, o?: string): Uint8Array {
  const rdn = (oid: string, v: string): Uint8Array => derTlv(0x31, derSequence(derOid(oid), derTlv(0x0c, utf8(v))));
  return o === undefined ? derSequence(rdn(OID_CN, cn)) : derSequence(rdn(OID_O, o), rdn(OID_CN, cn));
}

function time(d: Date): Uint8Array {
  const iso = d.toISOString().replace(/[-:T]/g, '').slice(0, 14); // YYYYMMDDHHMMSS
  return d.getUTCFullYear() < 2050 ? derTlv(0x17, utf8(`${iso.slice(2)}Z`)) : derTlv(0x18, utf8(`${iso}Z`));
}

function extension(oid: string, value: Uint8Array, critical = false): Uint8Array {
  return critical ? derSequence(derOid(oid), Uint8Array.of(0x01, 0x01, 0xff), derTlv(0x04, value)) : derSequence(derOid(oid), derTlv(0x04, value));
}

const CA_CONSTRAINTS = extension(OID_BASIC_CONSTRAINTS, derSequence(Uint8Array.of(0x01, 0x01, 0xff)), true);

interface TbsParts {
  readonly serial: Uint8Array;
  readonly issuer: Uint8Array;
  /** DER Validity (SEQUENCE of two times). */
  readonly validity: Uint8Array;
  readonly subject: Uint8Array;
  readonly spki: Uint8Array;
  readonly extensions: readonly Uint8Array[];
}

function certificate(t: TbsParts, key: KeyObject): Uint8Array {
  const serial = Uint8Array.from(t.serial);
  serial[0]! &= 0x7f; // positive
  if (serial[0] === 0) serial[0] = 0x01;
  const tbs = derSequence(
    derTlv(0xa0, derUnsignedInteger(2)),
    derUnsignedInteger(serial),
    ECDSA_WITH_SHA256,
    t.issuer,
    t.validity,
    t.subject,
    t.spki,
    derTlv(0xa3, derSequence(...t.extensions)),
  );
  const signature = sign('sha256', tbs, key);
  return derSequence(tbs, ECDSA_WITH_SHA256, derBitString(new Uint8Array(signature)));
}

const b64u = (b: Uint8Array): string => Buffer.from(b).toString('base64url');

/** A node:crypto signing key for an EC scalar on a curve node's JWK import knows (P-256, P-384, P-521, secp256k1). */
function ecSigningKey(algorithm: number, d: Uint8Array): KeyObject {
  const crv = { [Algorithm.ecp256]: 'P-256', [Algorithm.ecp384]: 'P-384', [Algorithm.ecp521]: 'P-521', [Algorithm.eck256]: 'secp256k1' }[algorithm];
  const curve = EC_CURVES.get(algorithm);
  if (!crv || !curve) return fail(DeviceError.invalidData, 'attestation key algorithm not supported');
  const pub = ecPublicKey(algorithm, d);
  return createPrivateKey({
    key: { kty: 'EC', crv, d: b64u(d), x: b64u(pub.subarray(0, curve.size)), y: b64u(pub.subarray(curve.size)) },
    format: 'jwk',
  });
}

/** Creates a device's attestation key, its certificate and the simulator root that issues it. */
export function createDeviceAttestation(
  identity: { serial: number; firmware: readonly [number, number, number] },
  random: (n: number) => Uint8Array,
  now: Date,
): DeviceAttestation {
  const root = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const rootSpki = new Uint8Array(root.publicKey.export({ type: 'spki', format: 'der' }));
  const notBefore = new Date(Math.floor(now.getTime() / 1000) * 1000 - 60_000);
  const validity = derSequence(time(notBefore), time(NOT_AFTER));
  const rootName = name(SIMULATOR_ATTESTATION_ROOT_CN, ORGANIZATION);
  const rootCertificate = certificate(
    { serial: random(16), issuer: rootName, validity, subject: rootName, spki: rootSpki, extensions: [CA_CONSTRAINTS] },
    root.privateKey,
  );
  const keySecret = generateEcScalar(Algorithm.ecp256, random);
  const deviceCertificate = certificate(
    {
      serial: random(16),
      issuer: rootName,
      validity,
      subject: name(`openKMS YubiHSM2 simulator attestation ${identity.serial} — NOT Yubico`, ORGANIZATION),
      spki: publicKeyInfoDer(Algorithm.ecp256, ecPublicKey(Algorithm.ecp256, keySecret)),
      extensions: [CA_CONSTRAINTS, ...encodeDeviceExtensions(identity.firmware, identity.serial).map((e) => extension(e.oid, e.value))],
    },
    root.privateKey,
  );
  return { keySecret, certificate: deviceCertificate, rootCertificate };
}

// ---- a minimal DER reader for the attesting certificate's subject and validity ---------------------------------

interface Tlv {
  readonly tag: number;
  /** The whole element, header included. */
  readonly raw: Uint8Array;
  readonly body: Uint8Array;
}

function readTlv(buf: Uint8Array, off: number): Tlv {
  if (off + 2 > buf.length) fail(DeviceError.invalidData, 'attesting certificate is malformed');
  const tag = buf[off]!;
  let len = buf[off + 1]!;
  let hdr = 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n < 1 || n > 3 || off + 2 + n > buf.length) fail(DeviceError.invalidData, 'attesting certificate is malformed');
    len = 0;
    for (let i = 0; i < n; i++) len = (len << 8) | buf[off + 2 + i]!;
    hdr = 2 + n;
  }
  if (off + hdr + len > buf.length) fail(DeviceError.invalidData, 'attesting certificate is malformed');
  return { tag, raw: buf.subarray(off, off + hdr + len), body: buf.subarray(off + hdr, off + hdr + len) };
}

function children(body: Uint8Array): Tlv[] {
  const out: Tlv[] = [];
  for (let off = 0; off < body.length;) {
    const t = readTlv(body, off);
    out.push(t);
    off += t.raw.length;
  }
  return out;
}

/** Subject and validity (raw DER) of an X.509 certificate; INVALID_DATA when it is not one. */
export function issuerParts(cert: Uint8Array): { subject: Uint8Array; validity: Uint8Array } {
  const top = readTlv(cert, 0);
  if (top.tag !== 0x30) fail(DeviceError.invalidData, 'attesting certificate is malformed');
  const tbs = children(top.body)[0];
  if (!tbs || tbs.tag !== 0x30) fail(DeviceError.invalidData, 'attesting certificate is malformed');
  const f = children(tbs.body);
  const i = f[0]?.tag === 0xa0 ? 1 : 0; // optional explicit version
  const validity = f[i + 3];
  const subject = f[i + 4];
  if (!validity || !subject || validity.tag !== 0x30 || subject.tag !== 0x30) fail(DeviceError.invalidData, 'attesting certificate is malformed');
  return { subject: subject.raw.slice(), validity: validity.raw.slice() };
}

export interface AttestedObject {
  readonly id: number;
  readonly algorithm: number;
  readonly publicKey: Uint8Array;
  readonly origin: number;
  readonly domains: number;
  readonly capabilities: bigint;
  readonly label: string;
}

/** The attestation certificate of `target`, issued by `issuerCertificate` with the attesting key (EC). */
export function issueAttestationCertificate(o: {
  readonly issuerCertificate: Uint8Array;
  readonly signer: { readonly algorithm: number; readonly secret: Uint8Array };
  readonly target: AttestedObject;
  readonly identity: { serial: number; firmware: readonly [number, number, number] };
  readonly random: (n: number) => Uint8Array;
}): Uint8Array {
  const { subject: issuer, validity } = issuerParts(o.issuerCertificate);
  const key = ecSigningKey(o.signer.algorithm, o.signer.secret);
  let spki: Uint8Array;
  try {
    spki = publicKeyInfoDer(o.target.algorithm, o.target.publicKey);
  } catch {
    return fail(DeviceError.invalidData, 'key cannot be attested');
  }
  const t = o.target;
  const extensions = encodeAttestationExtensions({
    firmwareVersion: [o.identity.firmware[0], o.identity.firmware[1], o.identity.firmware[2]],
    serialNumber: o.identity.serial,
    origin: t.origin,
    domains: t.domains,
    capabilities: t.capabilities,
    objectId: t.id,
    label: t.label,
  }).map((e) => extension(e.oid, e.value));
  return certificate(
    { serial: o.random(16), issuer, validity, subject: name(`YubiHSM Attestation id:0x${t.id.toString(16).padStart(4, '0')}`), spki, extensions },
    key,
  );
}
