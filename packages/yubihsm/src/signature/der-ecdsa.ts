import { secp256k1 } from '@noble/curves/secp256k1.js';
import { YubiHsmProtocolError } from '../protocol/errors.js';

/** r and s of an ECDSA signature. */
export interface EcdsaSignatureValues {
  readonly r: bigint;
  readonly s: bigint;
}

/**
 * Strict DER `SEQUENCE { INTEGER r, INTEGER s }` with 0 < r, s < n, parsed by @noble/curves (minimal lengths and
 * integers, no trailing bytes). Anything else is a malformed frame from the device.
 */
export function parseDerEcdsaSignature(der: Uint8Array): EcdsaSignatureValues {
  try {
    const { r, s } = secp256k1.Signature.fromBytes(der, 'der');
    return { r, s };
  } catch (err) {
    throw new YubiHsmProtocolError('malformed_frame', `bad DER ECDSA signature: ${(err as Error).message}`);
  }
}

/** Encodes r and s as DER (@noble/curves; used by the simulator side and tests). */
export function encodeDerEcdsaSignature({ r, s }: EcdsaSignatureValues): Uint8Array {
  return new secp256k1.Signature(r, s).toBytes('der');
}
