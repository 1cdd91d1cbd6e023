import type { FileHandle } from 'node:fs/promises';

const CHUNK = 64 * 1024;

/** The end of a JSONL file as found by readFileTail. */
export interface FileTail {
  /** The last complete (newline-terminated) line without its newline, if any. */
  readonly lastLine?: Buffer;
  /** Byte offset just after the last `\n` (0 when there is none): the length of the complete part. */
  readonly completeBytes: number;
  /** Bytes after the last `\n` (a torn write), 0 when the file ends cleanly. */
  readonly tornBytes: number;
}

/** Offset of the last `\n` strictly before `end`, or -1. Reads backwards in chunks. */
async function lastNewlineBefore(fh: FileHandle, end: number): Promise<number> {
  const buf = Buffer.alloc(CHUNK);
  let hi = end;
  while (hi > 0) {
    const lo = Math.max(0, hi - CHUNK);
    const len = hi - lo;
    const { bytesRead } = await fh.read(buf, 0, len, lo);
    if (bytesRead !== len) throw new Error('short read while scanning the audit file tail');
    const idx = buf.subarray(0, len).lastIndexOf(0x0a);
    if (idx !== -1) return lo + idx;
    hi = lo;
  }
  return -1;
}

/** Finds the last complete line and any torn bytes after it, reading only the end of the file. */
export async function readFileTail(fh: FileHandle, size: number, maxLineBytes: number): Promise<FileTail> {
  if (size === 0) return { completeBytes: 0, tornBytes: 0 };
  const lastNl = await lastNewlineBefore(fh, size);
  const completeBytes = lastNl + 1;
  const tornBytes = size - completeBytes;
  if (lastNl === -1) return { completeBytes: 0, tornBytes };
  const prevNl = await lastNewlineBefore(fh, lastNl);
  const start = prevNl + 1;
  const len = lastNl - start;
  if (len > maxLineBytes) throw new Error('last audit record is too long');
  const line = Buffer.alloc(len);
  const { bytesRead } = await fh.read(line, 0, len, start);
  if (bytesRead !== len) throw new Error('short read while reading the last audit record');
  return { lastLine: line, completeBytes, tornBytes };
}

/** Reads `length` bytes at `position`. */
export async function readRange(fh: FileHandle, position: number, length: number): Promise<Buffer> {
  const out = Buffer.alloc(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await fh.read(out, done, length - done, position + done);
    if (bytesRead === 0) throw new Error('unexpected end of file');
    done += bytesRead;
  }
  return out;
}
