import { readFileSync, statSync } from 'node:fs';
import { ErrorCode, openKmsError } from '@openkms/core';
import { writeFileAtomicSync } from '@openkms/policy';

/** A JSON file of records kept beside the runtime state file: `{"version": 1, "<field>": [...]}`. */
export interface RecordFileKind<T> {
  /** How messages name the file, e.g. "approvals file". */
  readonly name: string;
  /** The array's field, e.g. "approvals". */
  readonly field: string;
  /** Mode bits that must be clear (0o022: no one else may write it; 0o077: nor read it). */
  readonly forbiddenMode: number;
  /** Whether a parsed entry has the record's shape. */
  isRecord(entry: Partial<T>): boolean;
}

/**
 * Reads a record file (absent: no records). An insecure (`insecure_file`), unreadable or malformed
 * (`config_invalid`, with the dotted path) file fails closed: the signer does not start rather than lose track of
 * what the file holds.
 */
export function readRecordFile<T>(path: string, kind: RecordFileKind<T>): T[] {
  let text: string;
  try {
    const st = statSync(path);
    if (process.platform !== 'win32' && (st.mode & kind.forbiddenMode) !== 0) {
      const who = kind.forbiddenMode & 0o044 ? 'readable or writable' : 'writable';
      throw openKmsError(ErrorCode.insecureFile, `${kind.name} ${path} is ${who} by group or others (chmod 600 it)`, { file: path });
    }
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw openKmsError(ErrorCode.configInvalid, `${kind.name} ${path} is not valid JSON`, { file: path, path: kind.field });
  }
  const entries = (raw as Record<string, unknown> | null)?.[kind.field];
  if (typeof raw !== 'object' || raw === null || (raw as { version?: unknown }).version !== 1 || !Array.isArray(entries)) {
    throw openKmsError(ErrorCode.configInvalid, `${kind.name} ${path} must be {"version": 1, "${kind.field}": [...]}`, { file: path, path: kind.field });
  }
  entries.forEach((entry: unknown, i) => {
    if (typeof entry !== 'object' || entry === null || !kind.isRecord(entry as Partial<T>)) {
      throw openKmsError(ErrorCode.configInvalid, `${kind.name} ${path}: ${kind.field}[${i}] is malformed`, { file: path, path: `${kind.field}[${i}]` });
    }
  });
  return entries as T[];
}

/** Writes every record atomically (temp file, fsync, rename, mode 0600); a failure is `state_write_failed`. */
export function writeRecordFile<T>(path: string, kind: RecordFileKind<T>, records: readonly T[]): void {
  try {
    writeFileAtomicSync(path, `${JSON.stringify({ version: 1, [kind.field]: records }, null, 2)}\n`, 0o600);
  } catch (err) {
    throw openKmsError(
      ErrorCode.stateWriteFailed,
      `cannot write the ${kind.name} ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
      { file: path },
      err,
    );
  }
}
