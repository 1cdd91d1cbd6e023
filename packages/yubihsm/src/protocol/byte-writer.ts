import { YubiHsmProtocolError } from './errors.js';

/** Append-only big-endian byte builder used by every encoder. */
export class ByteWriter {
  private parts: Uint8Array[] = [];
  private size = 0;

  u8(v: number): this {
    if (!Number.isInteger(v) || v < 0 || v > 0xff) throw new YubiHsmProtocolError('invalid_argument', `u8 out of range: ${v}`);
    return this.bytes(Uint8Array.of(v));
  }

  u16(v: number): this {
    if (!Number.isInteger(v) || v < 0 || v > 0xffff) throw new YubiHsmProtocolError('invalid_argument', `u16 out of range: ${v}`);
    return this.bytes(Uint8Array.of(v >> 8, v & 0xff));
  }

  u32(v: number): this {
    if (!Number.isInteger(v) || v < 0 || v > 0xffff_ffff) throw new YubiHsmProtocolError('invalid_argument', `u32 out of range: ${v}`);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, v);
    return this.bytes(b);
  }

  u64(v: bigint): this {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, v);
    return this.bytes(b);
  }

  bytes(b: Uint8Array): this {
    this.parts.push(b);
    this.size += b.length;
    return this;
  }

  get length(): number {
    return this.size;
  }

  finish(): Uint8Array {
    const out = new Uint8Array(this.size);
    let o = 0;
    for (const p of this.parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }
}
