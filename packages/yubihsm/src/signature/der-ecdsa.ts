import { YubiHsmProtocolError } from '../protocol/errors.js';

/** r and s of an ECDSA signature. */
export interface EcdsaSignatureValues {
  readonly r: bigint;
  readonly s: bigint;
}

function bad(msg: string): never {
  throw new YubiHsmProtocolError('malformed_frame', `bad DER ECDSA signature: ${msg}`);
}

function readInteger(der: Uint8Array, offset: number): { value: bigint; next: number } {
  if (der[offset] !== 0x02) bad('expected INTEGER');
  const len = der[offset + 1];
  if (len === undefined || len === 0 || len > 0x7f) bad('bad INTEGER length');
  const start = offset + 2;
  const end = start + len;
  if (end > der.length) bad('INTEGER overruns');
  const first = der[start]!;
  if (first & 0x80) bad('negative INTEGER');
  if (first === 0 && len > 1 && !(der[start + 1]! & 0x80)) bad('non-minimal INTEGER');
  let value = 0n;
  for (let i = start; i < end; i++) value = (value << 8n) | BigInt(der[i]!);
  return { value, next: end };
}

/** Strict DER `SEQUENCE { INTEGER r, INTEGER s }` (short-form lengths, minimal positive integers). */
export function parseDerEcdsaSignature(der: Uint8Array): EcdsaSignatureValues {
  if (der.length < 8 || der[0] !== 0x30) bad('expected SEQUENCE');
  const seqLen = der[1]!;
  if (seqLen > 0x7f || seqLen !== der.length - 2) bad('bad SEQUENCE length');
  const r = readInteger(der, 2);
  const s = readInteger(der, r.next);
  if (s.next !== der.length) bad('trailing bytes');
  if (r.value === 0n || s.value === 0n) bad('zero r or s');
  return { r: r.value, s: s.value };
}

/** Encodes r and s as DER (used by the simulator side and tests). */
export function encodeDerEcdsaSignature({ r, s }: EcdsaSignatureValues): Uint8Array {
  const int = (v: bigint): number[] => {
    let hex = v.toString(16);
    if (hex.length % 2) hex = '0' + hex;
    const bytes = Array.from(Buffer.from(hex, 'hex'));
    if (bytes[0]! & 0x80) bytes.unshift(0);
    return [0x02, bytes.length, ...bytes];
  };
  const body = [...int(r), ...int(s)];
  return Uint8Array.from([0x30, body.length, ...body]);
}
