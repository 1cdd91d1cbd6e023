import { createHash, timingSafeEqual } from 'node:crypto';
import { ByteReader } from './byte-reader.js';
import { ByteWriter } from './byte-writer.js';
import { YubiHsmProtocolError } from './errors.js';

export const LOG_ENTRY_LENGTH = 32;
export const LOG_DIGEST_LENGTH = 16;

/** One 32-byte audit log entry. Unused key fields are 0xffff. */
export interface LogEntry {
  readonly number: number;
  readonly command: number;
  readonly length: number;
  readonly sessionKey: number;
  readonly targetKey: number;
  readonly secondKey: number;
  /** `cmd | 0x80` on success, the raw device error code on failure. */
  readonly result: number;
  readonly systick: number;
  readonly digest: Uint8Array;
}

export type LogEntryFields = Omit<LogEntry, 'digest'>;

/** The first 16 bytes of an entry (everything but the digest). */
export function encodeLogEntryFields(e: LogEntryFields): Uint8Array {
  return new ByteWriter().u16(e.number).u8(e.command).u16(e.length).u16(e.sessionKey).u16(e.targetKey).u16(e.secondKey).u8(e.result).u32(e.systick).finish();
}

/** digest = SHA-256(fields(16) ‖ previous digest(16))[0:16]. */
export function computeLogDigest(fields: LogEntryFields, previousDigest: Uint8Array): Uint8Array {
  if (previousDigest.length !== LOG_DIGEST_LENGTH) throw new YubiHsmProtocolError('invalid_argument', 'previous digest must be 16 bytes');
  const h = createHash('sha256').update(encodeLogEntryFields(fields)).update(previousDigest).digest();
  return new Uint8Array(h.subarray(0, LOG_DIGEST_LENGTH));
}

/** Builds an entry whose digest chains onto `previousDigest`. */
export function chainLogEntry(fields: LogEntryFields, previousDigest: Uint8Array): LogEntry {
  return { ...fields, digest: computeLogDigest(fields, previousDigest) };
}

export function encodeLogEntry(e: LogEntry): Uint8Array {
  if (e.digest.length !== LOG_DIGEST_LENGTH) throw new YubiHsmProtocolError('invalid_argument', 'digest must be 16 bytes');
  return new ByteWriter().bytes(encodeLogEntryFields(e)).bytes(e.digest).finish();
}

export function decodeLogEntry(bytes: Uint8Array): LogEntry {
  const r = new ByteReader(bytes, 'log entry');
  const e: LogEntry = {
    number: r.u16(),
    command: r.u8(),
    length: r.u16(),
    sessionKey: r.u16(),
    targetKey: r.u16(),
    secondKey: r.u16(),
    result: r.u8(),
    systick: r.u32(),
    digest: r.bytes(LOG_DIGEST_LENGTH),
  };
  r.end();
  return e;
}

/** True when `entry.digest` chains onto `previous.digest`. */
export function verifyLogEntry(entry: LogEntry, previous: Pick<LogEntry, 'digest'>): boolean {
  const want = computeLogDigest(entry, previous.digest);
  return entry.digest.length === LOG_DIGEST_LENGTH && timingSafeEqual(want, entry.digest);
}

/**
 * Checks a run of consecutive entries: each digest must chain onto the one before. Returns the index of the first
 * entry that breaks the chain, or -1 when the whole run verifies. The first entry is the anchor (not checked)
 * unless `anchor` (the digest of the entry before it) is given.
 */
export function verifyLogChain(entries: readonly LogEntry[], anchor?: Uint8Array): number {
  for (let i = 0; i < entries.length; i++) {
    const prev = i === 0 ? anchor : entries[i - 1]!.digest;
    if (prev === undefined) continue;
    if (!verifyLogEntry(entries[i]!, { digest: prev })) return i;
  }
  return -1;
}
