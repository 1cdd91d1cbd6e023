import { readFileSync, statSync } from 'node:fs';
import { ErrorCode, openKmsError } from '@openkms/core';
import { writeFileAtomicSync } from '@openkms/policy';
import type { PairingRecord } from './pairing-record.js';

/** The pairing file beside the runtime state file: `<state file>.pairing.json`. */
export function pairingFileOf(stateFile: string): string {
  return `${stateFile}.pairing.json`;
}

/**
 * Reads the pairing file (absent: none). An unreadable, insecure or malformed file fails closed (`config_invalid` /
 * `insecure_file`): the signer does not start rather than lose track of pending pairings or sealed tokens.
 */
export function readPairingFile(path: string): PairingRecord[] {
  let text: string;
  try {
    const st = statSync(path);
    if (process.platform !== 'win32' && (st.mode & 0o077) !== 0) {
      throw openKmsError(ErrorCode.insecureFile, `pairing file ${path} is readable or writable by group or others (chmod 600 it)`, { file: path });
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
    throw openKmsError(ErrorCode.configInvalid, `pairing file ${path} is not valid JSON`, { file: path, path: 'pairings' });
  }
  const r = raw as { version?: unknown; pairings?: unknown };
  if (typeof raw !== 'object' || raw === null || r.version !== 1 || !Array.isArray(r.pairings)) {
    throw openKmsError(ErrorCode.configInvalid, `pairing file ${path} must be {"version": 1, "pairings": [...]}`, { file: path, path: 'pairings' });
  }
  r.pairings.forEach((p, i) => {
    const x = p as Partial<PairingRecord> | null;
    if (
      typeof x !== 'object' ||
      x === null ||
      typeof x.id !== 'string' ||
      typeof x.name !== 'string' ||
      !Array.isArray(x.labels) ||
      !Array.isArray(x.scopes) ||
      typeof x.public_key_hex !== 'string' ||
      typeof x.code_sha256 !== 'string' ||
      typeof x.status !== 'string' ||
      typeof x.wrong_codes !== 'number' ||
      Number.isNaN(Date.parse(String(x.created_at))) ||
      Number.isNaN(Date.parse(String(x.expires_at)))
    ) {
      throw openKmsError(ErrorCode.configInvalid, `pairing file ${path}: pairings[${i}] is malformed`, { file: path, path: `pairings[${i}]` });
    }
  });
  return r.pairings as PairingRecord[];
}

/** Writes every pairing atomically (temp file, fsync, rename, mode 0600); a failure is `state_write_failed`. */
export function writePairingFile(path: string, pairings: readonly PairingRecord[]): void {
  try {
    writeFileAtomicSync(path, `${JSON.stringify({ version: 1, pairings }, null, 2)}\n`, 0o600);
  } catch (err) {
    throw openKmsError(
      ErrorCode.stateWriteFailed,
      `cannot write the pairing file ${path} (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
      { file: path },
      err,
    );
  }
}
