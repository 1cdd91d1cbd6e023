import { YubiHsmProtocolError } from './errors.js';

/** Bounds-checked big-endian reader used by every decoder. Throws `malformed_frame` on a short read. */
export class ByteReader {
  private offset = 0;
  constructor(
    private readonly data: Uint8Array,
    private readonly what = 'payload',
  ) {}

  private need(n: number): void {
    if (this.offset + n > this.data.length) {
      throw new YubiHsmProtocolError('malformed_frame', `${this.what} too short (need ${n} more bytes at ${this.offset}, have ${this.data.length})`);
    }
  }

  u8(): number {
    this.need(1);
    return this.data[this.offset++]!;
  }

  u16(): number {
    this.need(2);
    const v = (this.data[this.offset]! << 8) | this.data[this.offset + 1]!;
    this.offset += 2;
    return v;
  }

  u32(): number {
    this.need(4);
    const v = new DataView(this.data.buffer, this.data.byteOffset + this.offset, 4).getUint32(0);
    this.offset += 4;
    return v;
  }

  u64(): bigint {
    this.need(8);
    const v = new DataView(this.data.buffer, this.data.byteOffset + this.offset, 8).getBigUint64(0);
    this.offset += 8;
    return v;
  }

  bytes(n: number): Uint8Array {
    this.need(n);
    const v = this.data.slice(this.offset, this.offset + n);
    this.offset += n;
    return v;
  }

  rest(): Uint8Array {
    const v = this.data.slice(this.offset);
    this.offset = this.data.length;
    return v;
  }

  get remaining(): number {
    return this.data.length - this.offset;
  }

  /** Throws unless every byte was consumed. */
  end(): void {
    if (this.remaining !== 0) throw new YubiHsmProtocolError('malformed_frame', `${this.what} has ${this.remaining} unexpected trailing bytes`);
  }
}
