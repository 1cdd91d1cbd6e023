import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { recordShapeProblem, type AuditRecord } from './audit-record.js';
import { listAuditFiles, parseRotatedFileName } from './audit-file-names.js';
import { readRange } from './file-tail.js';
import { DEFAULT_MAX_LINE_BYTES } from './jsonl-line-reader.js';
import { recordMacMatches } from './record-mac.js';

const CHUNK = 64 * 1024;
/** Bytes one page may read before it stops and hands back a cursor (a filter that matches little must not read a whole large log). */
export const DEFAULT_AUDIT_PAGE_SCAN_BYTES = 32 * 1024 * 1024;
/** `{"v":1,"seq":123,` — every record starts this way (RECORD_FIELD_ORDER): lines after the cursor are skipped unparsed. */
const SEQ_PREFIX = /^\{"v":\d+,"seq":(\d+),/;

export interface AuditPageQuery {
  /** Only records with a `seq` below this (the previous page's `nextBefore`); absent: from the newest record. */
  readonly before?: number;
  /** Most records returned. */
  readonly limit: number;
  /** Which records to return (every record is read and its chain link checked either way). */
  readonly match?: (record: AuditRecord) => boolean;
  /** Stop after reading about this many bytes (default DEFAULT_AUDIT_PAGE_SCAN_BYTES); `nextBefore` says where to go on. */
  readonly maxScanBytes?: number;
  /** When given, the MAC of every returned record is checked. */
  readonly key?: Uint8Array;
}

export interface AuditPageProblem {
  readonly seq?: number;
  readonly reason: 'bad_json' | 'bad_record' | 'bad_mac' | 'seq_gap' | 'broken_link';
  readonly message: string;
}

export interface AuditPage {
  /** Newest first. */
  readonly records: AuditRecord[];
  /** Pass as `before` for the next (older) page; absent when the start of the log was reached. */
  readonly nextBefore?: number;
  /** Records read (matching or not) whose link to the next newer record read was checked. */
  readonly linked: number;
  /** MACs checked (the returned records, when a key was given). */
  readonly macsChecked: number;
  readonly scannedBytes: number;
  /** The first problem met: a malformed line, a MAC that does not verify, or a break in seq / prev_mac between read records. */
  readonly problem?: AuditPageProblem;
}

/** The complete lines of a JSONL file from the last to the first, read backwards in chunks (a torn last line is skipped). */
async function* linesBackward(file: string, maxLineBytes: number): AsyncGenerator<Buffer> {
  const fh = await open(file, 'r');
  try {
    const { size } = await fh.stat();
    let pos = size;
    let carry = Buffer.alloc(0);
    // bytes after the last newline are a torn write, never a record
    let torn = true;
    while (pos > 0) {
      const lo = Math.max(0, pos - CHUNK);
      const data = Buffer.concat([await readRange(fh, lo, pos - lo), carry]);
      pos = lo;
      let end = data.length;
      while (end > 0) {
        const nl = data.lastIndexOf(0x0a, end - 1);
        if (nl === -1) break;
        if (torn) torn = false;
        else yield data.subarray(nl + 1, end);
        end = nl;
      }
      carry = data.subarray(0, end);
      if (carry.length > maxLineBytes) throw new Error('audit line is too long');
    }
    if (!torn) yield carry;
  } finally {
    await fh.close();
  }
}

/**
 * One page of the audit log in `dir`, newest first, read from the end of the newest file backwards (constant memory,
 * rotated files wholly after the cursor are not opened). Every record read is checked against the next newer one
 * read (seq + 1, prev_mac = its mac), so a page of contiguous reading is also a verified piece of the chain; the
 * whole chain from genesis is `openkms audit verify`.
 */
export async function readAuditPage(dir: string, query: AuditPageQuery): Promise<AuditPage> {
  const files = await listAuditFiles(dir);
  const maxScan = query.maxScanBytes ?? DEFAULT_AUDIT_PAGE_SCAN_BYTES;
  const records: AuditRecord[] = [];
  let linked = 0;
  let macsChecked = 0;
  let scannedBytes = 0;
  let problem: AuditPageProblem | undefined;
  let newer: AuditRecord | undefined;
  let nextBefore: number | undefined;
  const result = (): AuditPage => ({
    records,
    ...(nextBefore !== undefined ? { nextBefore } : {}),
    linked,
    macsChecked,
    scannedBytes,
    ...(problem ? { problem } : {}),
  });
  for (let i = files.length - 1; i >= 0; i--) {
    // a rotated file's name carries its last seq: the file after it starts at that + 1
    const previous = i > 0 ? parseRotatedFileName(basename(files[i - 1]!)) : undefined;
    if (query.before !== undefined && previous !== undefined && previous.lastSeq + 1 >= query.before) continue;
    for await (const line of linesBackward(files[i]!, DEFAULT_MAX_LINE_BYTES)) {
      scannedBytes += line.length + 1;
      const peek = SEQ_PREFIX.exec(line.subarray(0, 48).toString('latin1'));
      if (query.before !== undefined && peek && Number(peek[1]) >= query.before) continue;
      let value: unknown;
      try {
        value = JSON.parse(line.toString('utf8'));
      } catch {
        problem ??= { ...(newer ? { seq: newer.seq - 1 } : {}), reason: 'bad_json', message: 'an audit line is not valid JSON' };
        return result();
      }
      const shape = recordShapeProblem(value);
      if (shape !== undefined) {
        problem ??= { ...(newer ? { seq: newer.seq - 1 } : {}), reason: 'bad_record', message: `malformed audit record (${shape})` };
        return result();
      }
      const record = value as AuditRecord;
      if (query.before !== undefined && record.seq >= query.before) continue;
      if (newer !== undefined) {
        if (newer.seq !== record.seq + 1) problem ??= { seq: newer.seq, reason: 'seq_gap', message: `seq ${newer.seq} follows seq ${record.seq}` };
        else if (newer.prev_mac !== record.mac)
          problem ??= { seq: newer.seq, reason: 'broken_link', message: `prev_mac of seq ${newer.seq} is not the mac of seq ${record.seq}` };
        else linked++;
      }
      newer = record;
      if (query.match === undefined || query.match(record)) {
        if (query.key !== undefined) {
          macsChecked++;
          if (!recordMacMatches(query.key, record)) problem ??= { seq: record.seq, reason: 'bad_mac', message: `the MAC of seq ${record.seq} does not verify` };
        }
        records.push(record);
        if (records.length >= query.limit) {
          if (record.seq > 1) nextBefore = record.seq;
          return result();
        }
      }
      if (scannedBytes >= maxScan) {
        if (record.seq > 1) nextBefore = record.seq;
        return result();
      }
    }
  }
  return result();
}
