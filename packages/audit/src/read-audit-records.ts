import { basename } from 'node:path';
import { openKmsError } from '@openkms/core';
import { recordShapeProblem, type AuditRecord } from './audit-record.js';
import { listAuditFiles, parseRotatedFileName } from './audit-file-names.js';
import { readJsonlLines } from './jsonl-line-reader.js';
import { recordMacMatches } from './record-mac.js';

export interface ReadAuditRecordsOptions {
  /** Only records whose `time` is at or after this instant. Rotated files that end before it are not opened. */
  readonly since?: Date;
  /**
   * When given, every record's MAC is checked, and seq/prev_mac linkage between consecutive records read;
   * a failure throws `audit_chain_broken`. (Full verification, including the start of the chain, is verifyAuditFiles.)
   */
  readonly key?: Uint8Array;
}

/**
 * Streams the records of the audit log in `dir` in order, line by line (constant memory).
 *
 * A partial last line (torn write) is skipped: it never was a committed record. A malformed complete line throws
 * `audit_chain_broken` naming the file and line.
 */
export async function* readAuditRecords(dir: string, options: ReadAuditRecordsOptions = {}): AsyncGenerator<AuditRecord> {
  const sinceMs = options.since?.getTime();
  if (sinceMs !== undefined && Number.isNaN(sinceMs)) throw openKmsError('invalid_request', 'since is not a valid date');
  const files = await listAuditFiles(dir);
  let prev: AuditRecord | undefined;
  for (const file of files) {
    const rotated = parseRotatedFileName(basename(file));
    // The name carries the time of the file's last record: the whole file is older than `since`.
    if (sinceMs !== undefined && rotated !== undefined && rotated.lastTime.getTime() < sinceMs) {
      prev = undefined;
      continue;
    }
    for await (const line of readJsonlLines(file)) {
      if (!line.terminated) break;
      const broken = (reason: string, message: string): never => {
        throw openKmsError('audit_chain_broken', `${message} at ${file}:${line.lineNo}`, { file, line: line.lineNo, reason });
      };
      if (line.tooLong) broken('bad_json', 'audit line is too long');
      let value: unknown;
      try {
        value = JSON.parse(line.text);
      } catch {
        broken('bad_json', 'audit line is not valid JSON');
      }
      const problem = recordShapeProblem(value);
      if (problem !== undefined) broken('bad_record', `malformed audit record (${problem})`);
      const record = value as AuditRecord;
      if (options.key) {
        if (!recordMacMatches(options.key, record)) broken('bad_mac', 'audit record MAC does not verify');
        if (prev !== undefined && record.seq !== prev.seq + 1) broken('seq_gap', `expected seq ${prev.seq + 1}, found ${record.seq}`);
        if (prev !== undefined && record.prev_mac !== prev.mac) broken('broken_link', 'prev_mac does not match the previous record');
        prev = record;
      }
      if (sinceMs !== undefined && Date.parse(record.time) < sinceMs) continue;
      yield record;
    }
  }
}
