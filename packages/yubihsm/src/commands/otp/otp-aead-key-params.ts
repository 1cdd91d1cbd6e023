import { ByteReader } from '../../protocol/byte-reader.js';
import type { ByteWriter } from '../../protocol/byte-writer.js';
import { YubiHsmProtocolError } from '../../protocol/errors.js';
import { readObjectParams, writeObjectParams, type ObjectParams, type ObjectParamsInput } from '../object/object-params.js';

/** An OTP AEAD: nonce(6) ‖ AES-CCM ciphertext of key(16) ‖ private id(6) ‖ tag(8) = 36 bytes. */
export const OTP_AEAD_LENGTH = 36;
/** A Yubico OTP as the device takes it: the 16 AES-ECB-encrypted token bytes (not modhex). */
export const OTP_LENGTH = 16;

/** Put/Generate OTP AEAD key header: the common object header ‖ nonce id(4). */
export interface OtpAeadKeyParamsInput extends ObjectParamsInput {
  /**
   * The key's nonce id, the first 4 bytes of every AEAD's CCM nonce. Sent little-endian, as libyubihsm (a host-order
   * u32 on little-endian hosts) and python-yubihsm's put do; the device keeps the 4 bytes as sent.
   */
  readonly nonceId: number;
}

export interface OtpAeadKeyParams extends ObjectParams {
  readonly nonceId: number;
}

export function writeOtpAeadKeyParams(w: ByteWriter, p: OtpAeadKeyParamsInput): ByteWriter {
  if (!Number.isInteger(p.nonceId) || p.nonceId < 0 || p.nonceId > 0xffff_ffff) {
    throw new YubiHsmProtocolError('invalid_argument', `nonce id out of range: ${String(p.nonceId)}`);
  }
  const nonceId = new Uint8Array(4);
  new DataView(nonceId.buffer).setUint32(0, p.nonceId, true);
  return writeObjectParams(w, p).bytes(nonceId);
}

export function readOtpAeadKeyParams(r: ByteReader): OtpAeadKeyParams {
  const params = readObjectParams(r);
  const nonceId = new DataView(r.bytes(4).buffer).getUint32(0, true);
  return { ...params, nonceId };
}

/** Checks an AEAD argument's length (the device takes exactly 36 bytes). */
export function checkOtpAead(aead: Uint8Array): Uint8Array {
  if (aead.length !== OTP_AEAD_LENGTH) throw new YubiHsmProtocolError('invalid_argument', `an OTP AEAD is ${OTP_AEAD_LENGTH} bytes`);
  return aead;
}

export function decodeOtpAead(payload: Uint8Array, what: string): Uint8Array {
  const r = new ByteReader(payload, what);
  const aead = r.bytes(OTP_AEAD_LENGTH);
  r.end();
  return aead;
}
