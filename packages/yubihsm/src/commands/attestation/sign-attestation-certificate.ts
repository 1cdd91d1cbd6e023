import { ByteReader } from '../../protocol/byte-reader.js';
import { ByteWriter } from '../../protocol/byte-writer.js';
import { CommandCode } from '../../protocol/command-code.js';
import { checkObjectId, type CommandSpec } from '../command-spec.js';

/** Object id of the device's factory attestation key and of its certificate (an opaque object with the same id). */
export const DEVICE_ATTESTATION_KEY_ID = 0;

export interface SignAttestationCertificateRequest {
  /** The asymmetric key to attest. */
  readonly id: number;
  /**
   * The attesting key: 0 for the device's factory attestation key, else an asymmetric key with the
   * sign-attestation-certificate capability whose certificate is the opaque object of the same id.
   */
  readonly attestationKeyId: number;
}

/**
 * SignAttestationCertificate (0x64): keyId(2) ‖ attestationKeyId(2) → a DER X.509 certificate of the key's public key,
 * issued by the attesting key's certificate, with Yubico's attestation extensions (OID 1.3.6.1.4.1.41482.4.x).
 * Needs sign-attestation-certificate on the session and on the attesting key.
 */
export const SignAttestationCertificate: CommandSpec<SignAttestationCertificateRequest, Uint8Array> = {
  code: CommandCode.signAttestationCertificate,
  name: 'signAttestationCertificate',
  idempotent: true,
  encodeRequest: ({ id, attestationKeyId }) => new ByteWriter().u16(checkObjectId(id)).u16(checkObjectId(attestationKeyId, true)).finish(),
  decodeRequest: (p) => {
    const r = new ByteReader(p, 'signAttestationCertificate request');
    const out = { id: r.u16(), attestationKeyId: r.u16() };
    r.end();
    return out;
  },
  encodeResponse: (der) => der.slice(),
  decodeResponse: (p) => p.slice(),
};
