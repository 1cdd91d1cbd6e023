import { ByteReader } from '../../protocol/byte-reader.js';
import { ByteWriter } from '../../protocol/byte-writer.js';
import { CommandCode } from '../../protocol/command-code.js';
import { YubiHsmProtocolError } from '../../protocol/errors.js';
import { checkObjectId, type CommandSpec } from '../command-spec.js';
import { checkOtpAead, OTP_AEAD_LENGTH, OTP_LENGTH } from './otp-aead-key-params.js';

export interface DecryptOtpRequest {
  readonly id: number;
  /** The credential's 36-byte AEAD (from CreateOtpAead, RandomizeOtpAead or RewrapOtpAead under key `id`). */
  readonly aead: Uint8Array;
  /** The 16-byte OTP (modhex-decoded, without the public id). */
  readonly otp: Uint8Array;
}

/** The counters of a decrypted Yubico OTP. */
export interface OtpCounters {
  readonly useCounter: number;
  readonly sessionCounter: number;
  readonly timestampHigh: number;
  readonly timestampLow: number;
}

/**
 * DecryptOtp (0x60): id(2) ‖ aead(36) ‖ otp(16) → use counter(2, little-endian) ‖ session counter(1) ‖ timestamp
 * high(1) ‖ timestamp low(2, little-endian), as libyubihsm and python-yubihsm read it. Needs decrypt-otp; an OTP
 * that is not the AEAD credential's (private id or CRC wrong) is INVALID_OTP.
 */
export const DecryptOtp: CommandSpec<DecryptOtpRequest, OtpCounters> = {
  code: CommandCode.decryptOtp,
  name: 'decryptOtp',
  idempotent: true,
  encodeRequest: ({ id, aead, otp }) => {
    if (otp.length !== OTP_LENGTH) throw new YubiHsmProtocolError('invalid_argument', `an OTP is ${OTP_LENGTH} bytes`);
    return new ByteWriter().u16(checkObjectId(id)).bytes(checkOtpAead(aead)).bytes(otp).finish();
  },
  decodeRequest: (p) => {
    const r = new ByteReader(p, 'decryptOtp request');
    const req = { id: r.u16(), aead: r.bytes(OTP_AEAD_LENGTH), otp: r.bytes(OTP_LENGTH) };
    r.end();
    return req;
  },
  encodeResponse: (c) => {
    const out = new Uint8Array(6);
    const v = new DataView(out.buffer);
    v.setUint16(0, c.useCounter, true);
    v.setUint8(2, c.sessionCounter);
    v.setUint8(3, c.timestampHigh);
    v.setUint16(4, c.timestampLow, true);
    return out;
  },
  decodeResponse: (p) => {
    const r = new ByteReader(p, 'decryptOtp response');
    const b = r.bytes(6);
    r.end();
    const v = new DataView(b.buffer);
    return { useCounter: v.getUint16(0, true), sessionCounter: v.getUint8(2), timestampHigh: v.getUint8(3), timestampLow: v.getUint16(4, true) };
  },
};
