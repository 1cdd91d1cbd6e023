import { YubiHsmProtocolError } from './errors.js';

export const LABEL_LENGTH = 40;

/** A label (UTF-8 string or raw bytes, ≤ 40 bytes) → 40 NUL-padded bytes. */
export function encodeLabel(label: string | Uint8Array = ''): Uint8Array {
  const raw = typeof label === 'string' ? new TextEncoder().encode(label) : label;
  if (raw.length > LABEL_LENGTH) throw new YubiHsmProtocolError('invalid_argument', `label longer than ${LABEL_LENGTH} bytes`);
  const out = new Uint8Array(LABEL_LENGTH);
  out.set(raw);
  return out;
}

/** 40 label bytes → string, cut at the first NUL (invalid UTF-8 is replaced). */
export function decodeLabel(bytes: Uint8Array): string {
  const nul = bytes.indexOf(0);
  return new TextDecoder().decode(nul === -1 ? bytes : bytes.subarray(0, nul));
}
