import { readRecordFile, writeRecordFile, type RecordFileKind } from '../runtime/record-file.js';
import type { PairingRecord } from './pairing-record.js';

/** The pairing file beside the runtime state file: `<state file>.pairing.json`. */
export function pairingFileOf(stateFile: string): string {
  return `${stateFile}.pairing.json`;
}

/** The pairing file's shape (also how a fleet's pairing records in Redis are checked). */
export const PAIRING_FILE: RecordFileKind<PairingRecord> = {
  name: 'pairing file',
  field: 'pairings',
  forbiddenMode: 0o077, // it holds sealed tokens and code hashes: no one else may read it either
  isRecord: (x) =>
    typeof x.id === 'string' &&
    typeof x.name === 'string' &&
    Array.isArray(x.labels) &&
    Array.isArray(x.scopes) &&
    typeof x.public_key_hex === 'string' &&
    typeof x.code_sha256 === 'string' &&
    typeof x.status === 'string' &&
    typeof x.wrong_codes === 'number' &&
    !Number.isNaN(Date.parse(String(x.created_at))) &&
    !Number.isNaN(Date.parse(String(x.expires_at))),
};

/**
 * Reads the pairing file (absent: none). An unreadable, insecure or malformed file fails closed (`config_invalid` /
 * `insecure_file`): the signer does not start rather than lose track of pending pairings or sealed tokens.
 */
export function readPairingFile(path: string): PairingRecord[] {
  return readRecordFile(path, PAIRING_FILE);
}

/** Writes every pairing atomically (temp file, fsync, rename, mode 0600); a failure is `state_write_failed`. */
export function writePairingFile(path: string, pairings: readonly PairingRecord[]): void {
  writeRecordFile(path, PAIRING_FILE, pairings);
}
