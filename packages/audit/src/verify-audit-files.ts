import { access } from 'node:fs/promises';
import { listAuditFiles } from './audit-file-names.js';
import { GENESIS_MAC, recordShapeProblem, type AuditRecord } from './audit-record.js';
import { readJsonlLines } from './jsonl-line-reader.js';
import { recordMacMatches } from './record-mac.js';

export type VerifyFailureReason =
  /** The file could not be read. */
  | 'unreadable'
  /** A line is not valid JSON (or is empty, or too long). */
  | 'bad_json'
  /** Valid JSON but not a well-formed record (missing/invalid `v`, `seq`, `time`, `decision`, `prev_mac`, `mac`). */
  | 'bad_record'
  /** The record's `mac` does not match its content under the key (edited record, or another key). */
  | 'bad_mac'
  /** `seq` is not the previous record's seq + 1 (deleted, inserted, reordered records). */
  | 'seq_gap'
  /** `prev_mac` is not the previous record's `mac`. */
  | 'broken_link'
  /** The last line of a file does not end with a newline (torn write). */
  | 'truncated';

export interface VerifyError {
  readonly file: string;
  /** 1-based line number in `file` (0 when the file itself is unreadable). */
  readonly line: number;
  readonly seq?: number;
  readonly reason: VerifyFailureReason;
  readonly message: string;
}

export interface VerifyReport {
  readonly ok: boolean;
  /** Records that verified before the first error (all of them when ok). */
  readonly records: number;
  readonly files: number;
  readonly firstSeq?: number;
  readonly lastSeq?: number;
  /** `mac` of the last verified record: an anchor for verifying later files with `from`. */
  readonly lastMac?: string;
  readonly firstError?: VerifyError;
}

export interface VerifyOptions {
  /**
   * Where the chain must start:
   * - `'genesis'` (default): the first record must have seq 1 and prev_mac = 64 zeros (detects deleted heads);
   * - `'any'`: accept whatever the first record says (e.g. old files were archived elsewhere);
   * - `{ seq, mac }`: the first record must follow this previously verified record.
   */
  readonly from?: 'genesis' | 'any' | { readonly seq: number; readonly mac: string };
}

/**
 * Verifies audit files given in chronological order (see listAuditFiles): JSON syntax, record shape, each MAC,
 * seq continuity and prev_mac linkage across all files. Stops at the first problem and names it by file and line.
 */
export async function verifyAuditFiles(files: readonly string[], key: Uint8Array, options: VerifyOptions = {}): Promise<VerifyReport> {
  const from = options.from ?? 'genesis';
  let expectedSeq: number | undefined;
  let expectedPrev: string | undefined;
  if (from === 'genesis') {
    expectedSeq = 1;
    expectedPrev = GENESIS_MAC;
  } else if (from !== 'any') {
    expectedSeq = from.seq + 1;
    expectedPrev = from.mac;
  }
  let records = 0;
  let firstSeq: number | undefined;
  let lastSeq: number | undefined;
  let lastMac: string | undefined;
  const fail = (error: VerifyError): VerifyReport => ({
    ok: false,
    records,
    files: files.length,
    ...(firstSeq === undefined ? {} : { firstSeq }),
    ...(lastSeq === undefined ? {} : { lastSeq }),
    ...(lastMac === undefined ? {} : { lastMac }),
    firstError: error,
  });

  for (const file of files) {
    try {
      await access(file);
    } catch (err) {
      return fail({ file, line: 0, reason: 'unreadable', message: `cannot read file (${(err as NodeJS.ErrnoException).code ?? 'error'})` });
    }
    try {
      for await (const line of readJsonlLines(file)) {
        const at = { file, line: line.lineNo };
        if (!line.terminated) {
          return fail({ ...at, reason: 'truncated', message: 'last line has no terminating newline (torn write)' });
        }
        if (line.tooLong) return fail({ ...at, reason: 'bad_json', message: 'line is too long' });
        let value: unknown;
        try {
          value = JSON.parse(line.text);
        } catch {
          return fail({ ...at, reason: 'bad_json', message: line.text === '' ? 'empty line' : 'line is not valid JSON' });
        }
        const problem = recordShapeProblem(value);
        const seqOf = (v: unknown): { seq?: number } => {
          const s = (v as { seq?: unknown } | null)?.seq;
          return typeof s === 'number' && Number.isSafeInteger(s) ? { seq: s } : {};
        };
        if (problem !== undefined) return fail({ ...at, ...seqOf(value), reason: 'bad_record', message: problem });
        const record = value as AuditRecord;
        if (!recordMacMatches(key, record)) {
          return fail({ ...at, seq: record.seq, reason: 'bad_mac', message: 'MAC does not match the record (edited, or written with another key)' });
        }
        if (expectedSeq !== undefined && record.seq !== expectedSeq) {
          return fail({ ...at, seq: record.seq, reason: 'seq_gap', message: `expected seq ${expectedSeq}, found ${record.seq}` });
        }
        if (expectedPrev !== undefined && record.prev_mac !== expectedPrev) {
          return fail({ ...at, seq: record.seq, reason: 'broken_link', message: 'prev_mac does not match the previous record' });
        }
        records++;
        firstSeq ??= record.seq;
        lastSeq = record.seq;
        lastMac = record.mac;
        expectedSeq = record.seq + 1;
        expectedPrev = record.mac;
      }
    } catch (err) {
      return fail({ file, line: 0, reason: 'unreadable', message: `cannot read file (${(err as NodeJS.ErrnoException).code ?? 'error'})` });
    }
  }
  return {
    ok: true,
    records,
    files: files.length,
    ...(firstSeq === undefined ? {} : { firstSeq }),
    ...(lastSeq === undefined ? {} : { lastSeq }),
    ...(lastMac === undefined ? {} : { lastMac }),
  };
}

/** verifyAuditFiles over every audit file of `dir` (listAuditFiles order). */
export async function verifyAuditDir(dir: string, key: Uint8Array, options: VerifyOptions = {}): Promise<VerifyReport> {
  return verifyAuditFiles(await listAuditFiles(dir), key, options);
}

/** A short human-readable summary for CLIs. */
export function formatVerifyReport(report: VerifyReport): string {
  const range = report.firstSeq === undefined ? '' : ` (seq ${report.firstSeq}..${report.lastSeq})`;
  if (report.ok) {
    return `audit log OK: ${report.records} record${report.records === 1 ? '' : 's'} in ${report.files} file${report.files === 1 ? '' : 's'}${range}`;
  }
  const e = report.firstError!;
  const where = e.line > 0 ? `${e.file}:${e.line}` : e.file;
  const seq = e.seq === undefined ? '' : ` seq ${e.seq}`;
  return [
    `audit log BROKEN at ${where}${seq}: ${e.reason}: ${e.message}`,
    `${report.records} record${report.records === 1 ? '' : 's'} verified before the error${range}`,
  ].join('\n');
}
