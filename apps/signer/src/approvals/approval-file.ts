import { readRecordFile, writeRecordFile, type RecordFileKind } from '../runtime/record-file.js';
import type { ApprovalRecord } from './approval-record.js';

/** The approvals file beside the runtime state file: `<state file>.approvals.json`. */
export function approvalsFileOf(stateFile: string): string {
  return `${stateFile}.approvals.json`;
}

/** The approvals file's shape (also how a fleet's approval records in Redis are checked). */
export const APPROVALS_FILE: RecordFileKind<ApprovalRecord> = {
  name: 'approvals file',
  field: 'approvals',
  forbiddenMode: 0o022,
  isRecord: (x) =>
    typeof x.id === 'string' &&
    typeof x.label === 'string' &&
    typeof x.chain === 'string' &&
    typeof x.token_name === 'string' &&
    typeof x.status === 'string' &&
    !Number.isNaN(Date.parse(String(x.created_at))) &&
    !Number.isNaN(Date.parse(String(x.expires_at))) &&
    typeof x.spend === 'object' &&
    typeof x.body === 'object' &&
    Array.isArray(x.approvals),
};

/**
 * Reads the approvals file (absent: none). An unreadable or malformed file fails closed (`config_invalid`): the
 * signer does not start rather than forget requests whose budget is reserved.
 */
export function readApprovalsFile(path: string): ApprovalRecord[] {
  return readRecordFile(path, APPROVALS_FILE);
}

/** Writes every approval atomically (temp file, fsync, rename, mode 0600); a failure is `state_write_failed`. */
export function writeApprovalsFile(path: string, approvals: readonly ApprovalRecord[]): void {
  writeRecordFile(path, APPROVALS_FILE, approvals);
}
