/** The few DER encodings the attestation code writes by hand (short primitives; lengths up to 65535). */

export function derTlv(tag: number, body: Uint8Array): Uint8Array {
  const len = body.length;
  if (len > 0xffff) throw new RangeError('DER value too long');
  const header = len < 0x80 ? [tag, len] : len < 0x100 ? [tag, 0x81, len] : [tag, 0x82, len >> 8, len & 0xff];
  const out = new Uint8Array(header.length + len);
  out.set(header);
  out.set(body, header.length);
  return out;
}

export function derSequence(...items: Uint8Array[]): Uint8Array {
  const total = items.reduce((n, i) => n + i.length, 0);
  const body = new Uint8Array(total);
  let off = 0;
  for (const i of items) {
    body.set(i, off);
    off += i.length;
  }
  return derTlv(0x30, body);
}

/** INTEGER of a non-negative number or of big-endian magnitude bytes. */
export function derUnsignedInteger(n: number | bigint | Uint8Array): Uint8Array {
  let bytes: number[];
  if (n instanceof Uint8Array) {
    let i = 0;
    while (i < n.length - 1 && n[i] === 0) i++;
    bytes = [...n.subarray(i)];
    if (bytes.length === 0) bytes = [0];
  } else {
    let v = BigInt(n);
    bytes = [];
    do {
      bytes.unshift(Number(v & 0xffn));
      v >>= 8n;
    } while (v > 0n);
  }
  if (bytes[0]! & 0x80) bytes.unshift(0);
  return derTlv(0x02, Uint8Array.from(bytes));
}

export function derOid(oid: string): Uint8Array {
  const parts = oid.split('.').map((p) => BigInt(p));
  const out: number[] = [Number(parts[0]! * 40n + parts[1]!)];
  for (const p of parts.slice(2)) {
    const chunk: number[] = [];
    let v = p;
    do {
      chunk.unshift(Number(v & 0x7fn) | (chunk.length ? 0x80 : 0));
      v >>= 7n;
    } while (v > 0n);
    out.push(...chunk);
  }
  return derTlv(0x06, Uint8Array.from(out));
}

export const DER_NULL = Uint8Array.of(0x05, 0x00);

export function derBitString(bytes: Uint8Array): Uint8Array {
  const body = new Uint8Array(bytes.length + 1);
  body.set(bytes, 1);
  return derTlv(0x03, body);
}
