import { readFileSync, statSync } from 'node:fs';
import { ErrorCode, openKmsError } from '@openkms/core';
import { writeFileAtomicSync } from '@openkms/policy';
import type { ApprovalRecord } from './approval-record.js';

/** The approvals file beside the runtime state file: `<state file>.approvals.json`. */
export function approvalsFileOf(stateFile: string): string {
  return `${stateFile}.approvals.json`;
}

/**
 * Reads the approvals file (absent: none). An unreadable or malformed file fails closed (`config_invalid`): the
 * signer does not start rather than forget requests whose budget is reserved.
 */
export function readApprovalsFile(path: string): ApprovalRecord[] {
  let text: string;
  try {
    const st = statSync(path);
    if (process.platform !== 'win32' && (st.mode & 0o022) !== 0) {
      throw openKmsError(ErrorCode.insecureFile, `approvals file ${path} is writable by group or others (chmod 600 it)`, { file: path });
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
    throw openKmsError(ErrorCode.configInvalid, `approvals file ${path} is not valid JSON`, { file: path, path: 'approvals' });
  }
  const r = raw as { version?: unknown; approvals?: unknown };
  if (typeof raw !== 'object' || raw === null || r.version !== 1 || !Array.isArray(r.approvals)) {
    throw openKmsError(ErrorCode.configInvalid, `approvals file ${path} must be {"version": 1, "approvals": [...]}`, { file: path, path: 'approvals' });
  }
  r.approvals.forEach((a, i) => {
    const x = a as Partial<ApprovalRecord> | null;
    if (
      typeof x !== 'object' ||
      x === null ||
      typeof x.id !== 'string' ||
      typeof x.label !== 'string' ||
      typeof x.chain !== 'string' ||
      typeof x.token_name !== 'string' ||
      typeof x.status !== 'string' ||
      Number.isNaN(Date.parse(String(x.created_at))) ||
      Number.isNaN(Date.parse(String(x.expires_at))) ||
      typeof x.spend !== 'object' ||
      typeof x.body !== 'object' ||
      !Array.isArray(x.approvals)
    ) {
      throw openKmsError(ErrorCode.configInvalid, `approvals file ${path}: approvals[${i}] is malformed`, { file: path, path: `approvals[${i}]` });
    }
  });
  return r.approvals as ApprovalRecord[];
}

/** Writes every approval atomically (temp file, fsync, rename, mode 0600); a failure is `state_write_failed`. */
export function writeApprovalsFile(path: string, approvals: readonly ApprovalRecord[]): void {
  try {
    writeFileAtomicSync(path, `${JSON.stringify({ version: 1, approvals }, null, 2)}\n`, 0o600);
  } catch (err) {
    throw openKmsError(
      ErrorCode.stateWriteFailed,
      `cannot write the approvals file ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
      { file: path },
      err,
    );
  }
}
