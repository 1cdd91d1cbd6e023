/**
 * Verifies a YubiHSM2 attestation certificate: its chain up to a root the operator trusts, and that it attests the
 * expected key (object id, public key) as generated inside the device. Any failure throws `attestation_failed` with
 * `context.reason` (see ErrorCode.attestationFailed); nothing here trusts what the device or connector says unless a
 * signature chain to the operator's root backs it.
 */
import { X509Certificate } from 'node:crypto';
import { openKmsError, type OpenKmsError } from '@openkms/core';
import { AsnConvert } from '@peculiar/asn1-schema';
import { Certificate } from '@peculiar/asn1-x509';
import { describeOrigin, type OriginInfo } from '../protocol/origin.js';
import { decodeAttestationExtensions, type AttestationExtensions } from './attestation-extensions.js';
import { publicKeyInfoDer } from './attestation-public-key.js';

export type AttestationFailure =
  'chain_untrusted' | 'public_key_mismatch' | 'object_mismatch' | 'device_mismatch' | 'not_generated' | 'expired' | 'malformed' | 'unavailable';

export function attestationError(
  reason: AttestationFailure,
  message: string,
  context: Record<string, string | number | boolean> = {},
  cause?: unknown,
): OpenKmsError {
  return openKmsError('attestation_failed', message, { ...context, reason }, cause);
}

export interface VerifyAttestationInput {
  /** What SignAttestationCertificate returned. */
  readonly certificate: Uint8Array;
  /** Certificates that may link it to a root: the device attestation certificate (opaque object 0), intermediates. */
  readonly intermediates: readonly Uint8Array[];
  /** Trust anchors the operator supplies (Yubico's attestation root, or the simulator's in tests). */
  readonly roots: readonly Uint8Array[];
  /** The key it must attest, as the device reports it (GetPublicKey). */
  readonly key: { readonly id: number; readonly algorithm: number; readonly publicKey: Uint8Array };
  /** The device's serial (DeviceInfo), when known: the certificate must name it. */
  readonly deviceSerial?: number;
  readonly now?: Date;
}

export interface VerifiedAttestation {
  readonly objectId: number;
  readonly origin: OriginInfo & { readonly value: number };
  readonly extensions: AttestationExtensions;
  /** Subjects from the attestation certificate up to the trusted root. */
  readonly chain: readonly string[];
  /** SHA-256 fingerprint of the root the chain ends at. */
  readonly rootFingerprint256: string;
}

function load(der: Uint8Array, what: string): X509Certificate {
  try {
    return new X509Certificate(der);
  } catch (err) {
    throw attestationError('malformed', `${what} is not an X.509 certificate`, { certificate: what }, err);
  }
}

function checkValidity(cert: X509Certificate, now: Date): void {
  if (now < new Date(cert.validFrom) || now > new Date(cert.validTo)) {
    throw attestationError('expired', `certificate "${cert.subject}" is not valid now (${cert.validFrom} – ${cert.validTo})`, { subject: cert.subject });
  }
}

function verifies(cert: X509Certificate, issuer: X509Certificate): boolean {
  try {
    return cert.issuer === issuer.subject && cert.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

export function verifyAttestation(input: VerifyAttestationInput): VerifiedAttestation {
  const now = input.now ?? new Date();
  if (input.roots.length === 0) throw attestationError('chain_untrusted', 'no trusted root certificate was given');
  const leaf = load(input.certificate, 'attestation certificate');
  const roots = input.roots.map((r) => load(r, 'root certificate'));
  const intermediates = input.intermediates.map((c) => load(c, 'intermediate certificate'));

  // chain: leaf → intermediates → an operator-supplied root; every signature checked, every certificate valid now
  const chain: string[] = [leaf.subject];
  let current = leaf;
  let anchor: X509Certificate | undefined;
  for (let depth = 0; depth < 8 && !anchor; depth++) {
    checkValidity(current, now);
    anchor = roots.find((r) => r.raw.equals(current.raw) || verifies(current, r));
    if (anchor) break;
    const next = intermediates.find((i) => !i.raw.equals(current.raw) && verifies(current, i));
    if (!next)
      throw attestationError('chain_untrusted', `no trusted issuer for "${current.subject}" (issuer "${current.issuer}")`, { subject: current.subject });
    chain.push(next.subject);
    current = next;
  }
  if (!anchor) throw attestationError('chain_untrusted', 'the certificate chain is too long');
  checkValidity(anchor, now);
  if (anchor.subject === anchor.issuer && !verifies(anchor, anchor))
    throw attestationError('chain_untrusted', `the root certificate "${anchor.subject}" is damaged: its own signature does not verify`, {
      subject: anchor.subject,
    });
  if (!anchor.raw.equals(current.raw)) chain.push(anchor.subject);

  let parsed: Certificate;
  try {
    parsed = AsnConvert.parse(input.certificate, Certificate);
  } catch (err) {
    throw attestationError('malformed', 'the attestation certificate does not parse', {}, err);
  }
  const extensions = new Map<string, Uint8Array>();
  for (const e of parsed.tbsCertificate.extensions ?? []) extensions.set(e.extnID, new Uint8Array(e.extnValue.buffer));
  let ext: AttestationExtensions;
  try {
    ext = decodeAttestationExtensions(extensions);
  } catch (err) {
    throw attestationError('malformed', `a Yubico attestation extension is malformed (${(err as Error).message})`, {}, err);
  }

  if (ext.objectId !== input.key.id)
    throw attestationError('object_mismatch', `the certificate attests object ${ext.objectId ?? '(none)'}, not ${input.key.id}`, { object_id: input.key.id });
  if (input.deviceSerial !== undefined && ext.serialNumber !== input.deviceSerial)
    throw attestationError('device_mismatch', `the certificate names device ${ext.serialNumber ?? '(none)'}, not ${input.deviceSerial}`, {
      device_serial: input.deviceSerial,
    });
  let expected: Uint8Array;
  try {
    expected = publicKeyInfoDer(input.key.algorithm, input.key.publicKey);
  } catch (err) {
    throw attestationError('malformed', 'the device public key has no SubjectPublicKeyInfo form', { algorithm: input.key.algorithm }, err);
  }
  const attested = new Uint8Array(AsnConvert.serialize(parsed.tbsCertificate.subjectPublicKeyInfo));
  if (!Buffer.from(attested).equals(expected))
    throw attestationError('public_key_mismatch', 'the attested public key is not the key’s public key', { object_id: input.key.id });
  if (ext.origin === undefined) throw attestationError('malformed', 'the certificate has no origin extension', { object_id: input.key.id });
  const origin = describeOrigin(ext.origin);
  if (!origin.generated || origin.imported)
    throw attestationError('not_generated', `the device says key ${input.key.id} was imported, not generated in a device`, {
      object_id: input.key.id,
      origin: ext.origin,
    });
  return {
    objectId: ext.objectId,
    origin: { ...origin, value: ext.origin },
    extensions: ext,
    chain,
    rootFingerprint256: anchor.fingerprint256,
  };
}
