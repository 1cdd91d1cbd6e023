import { ErrorCode, openKmsError } from '@openkms/core';

/**
 * A bounds-checked cursor over a Solana wire buffer. Every read checks the remaining length first and
 * throws decode_failed on overrun, so a malformed message can never be read past its end.
 */
export class ByteReader {
  readonly #bytes: Uint8Array;
  #offset = 0;

  constructor(
    bytes: Uint8Array,
    readonly field = 'message_b64',
  ) {
    this.#bytes = bytes;
  }

  get offset(): number {
    return this.#offset;
  }

  get remaining(): number {
    return this.#bytes.length - this.#offset;
  }

  #need(n: number, what: string): void {
    if (n > this.remaining) {
      throw openKmsError(ErrorCode.decodeFailed, `message truncated while reading ${what}`, {
        field: this.field,
        offset: this.#offset,
        needed: n,
        remaining: this.remaining,
      });
    }
  }

  u8(what: string): number {
    this.#need(1, what);
    return this.#bytes[this.#offset++]!;
  }

  peekU8(what: string): number {
    this.#need(1, what);
    return this.#bytes[this.#offset]!;
  }

  bytes(n: number, what: string): Uint8Array {
    this.#need(n, what);
    const out = this.#bytes.slice(this.#offset, this.#offset + n);
    this.#offset += n;
    return out;
  }

  /**
   * Solana's compact-u16 ("short vec") length: 1 to 3 bytes, 7 bits each, little-endian groups.
   * Rejects what the runtime rejects: non-minimal encodings and values above 0xffff.
   */
  compactU16(what: string): number {
    let value = 0;
    for (let i = 0; i < 3; i++) {
      const byte = this.u8(what);
      const bits = byte & 0x7f;
      if (i === 2 && byte > 0x03) {
        throw openKmsError(ErrorCode.decodeFailed, `compact-u16 overflow in ${what}`, { field: this.field, offset: this.#offset - 1 });
      }
      if (i > 0 && byte === 0) {
        throw openKmsError(ErrorCode.decodeFailed, `non-canonical compact-u16 in ${what}`, { field: this.field, offset: this.#offset - 1 });
      }
      value |= bits << (7 * i);
      if ((byte & 0x80) === 0) return value;
    }
    throw openKmsError(ErrorCode.decodeFailed, `compact-u16 overflow in ${what}`, { field: this.field, offset: this.#offset });
  }

  /** Throws decode_failed unless every byte has been read. */
  expectEnd(what: string): void {
    if (this.remaining !== 0) {
      throw openKmsError(ErrorCode.decodeFailed, `${this.remaining} trailing byte(s) after ${what}`, {
        field: this.field,
        offset: this.#offset,
        trailing: this.remaining,
      });
    }
  }
}
