import { createReadStream } from 'node:fs';

/** One line of a JSONL file. */
export interface JsonlLine {
  /** 1-based line number. */
  readonly lineNo: number;
  /** The line without its `\n`, decoded as UTF-8. */
  readonly text: string;
  /** False for a last line that does not end with `\n` (a torn write). */
  readonly terminated: boolean;
  /** True when the line exceeded maxLineBytes; `text` is then empty. */
  readonly tooLong: boolean;
}

/** Lines longer than this are reported as tooLong instead of being buffered (bounds memory). */
export const DEFAULT_MAX_LINE_BYTES = 16 * 1024 * 1024;

/**
 * Streams the lines of a file (from byte `from`, which must be a line start; line numbers then count from there).
 * An empty file yields nothing; a file ending with `\n` yields no empty last line.
 */
export async function* readJsonlLines(path: string, maxLineBytes = DEFAULT_MAX_LINE_BYTES, from = 0): AsyncGenerator<JsonlLine> {
  const stream = createReadStream(path, { highWaterMark: 256 * 1024, start: from });
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let overflow = false;
  let lineNo = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let start = 0;
      for (;;) {
        const nl = chunk.indexOf(0x0a, start);
        if (nl === -1) break;
        lineNo++;
        const piece = chunk.subarray(start, nl);
        if (overflow || pendingBytes + piece.length > maxLineBytes) {
          yield { lineNo, text: '', terminated: true, tooLong: true };
        } else {
          const bytes = pending.length === 0 ? piece : Buffer.concat([...pending, piece]);
          yield { lineNo, text: bytes.toString('utf8'), terminated: true, tooLong: false };
        }
        pending = [];
        pendingBytes = 0;
        overflow = false;
        start = nl + 1;
      }
      if (start < chunk.length) {
        const rest = chunk.subarray(start);
        if (overflow || pendingBytes + rest.length > maxLineBytes) {
          overflow = true;
          pending = [];
        } else {
          // Copy: the stream may reuse its buffers.
          pending.push(Buffer.from(rest));
        }
        pendingBytes += rest.length;
      }
    }
    if (pendingBytes > 0) {
      lineNo++;
      yield overflow
        ? { lineNo, text: '', terminated: false, tooLong: true }
        : { lineNo, text: Buffer.concat(pending).toString('utf8'), terminated: false, tooLong: false };
    }
  } finally {
    stream.destroy();
  }
}
