/**
 * The device's audit log: 32-byte entries, hash-chained with
 * `digest = SHA-256(first 16 bytes ‖ previous digest)[0:16]`, kept in a 62-entry circular store.
 *
 * Without force-audit the oldest entry is overwritten when the store is full. With force-audit on, the device
 * refuses logged commands with LOG_FULL until the host has read the log and moved the index with SetLogIndex;
 * session establishments and boots that could not be logged are counted in `unloggedAuth` / `unloggedBoot`.
 */
import { computeLogDigest, encodeLogEntry as encodeDriverLogEntry, type LogEntry as DriverLogEntry } from '@openkms/yubihsm';
import { LOG_CAPACITY } from './device-codes.js';

/** An entry's fields without its number and digest (the number is assigned by the log). */
export type LogEntryFields = Omit<DriverLogEntry, 'number' | 'digest'>;
export type LogEntry = DriverLogEntry;

export const NO_KEY = 0xffff;

export function encodeLogEntry(e: LogEntry): Uint8Array {
  return encodeDriverLogEntry(e);
}

/** Boot (power-on) entry: command 0, result 0, no keys. */
export const BOOT_ENTRY: LogEntryFields = { command: 0, length: 0, sessionKey: NO_KEY, targetKey: 0, secondKey: 0, result: 0, systick: 0 };
/** Factory reset entry: every field 0xff. */
export const RESET_ENTRY: LogEntryFields = {
  command: 0xff,
  length: 0xffff,
  sessionKey: 0xffff,
  targetKey: 0xffff,
  secondKey: 0xffff,
  result: 0xff,
  systick: 0xffffffff,
};

export interface AuditLogState {
  entries: LogEntry[];
  nextNumber: number;
  lastDigest: Uint8Array;
  unloggedBoot: number;
  unloggedAuth: number;
}

export class AuditLog {
  private entries: LogEntry[] = [];
  private nextNumber = 1;
  private lastDigest: Uint8Array = new Uint8Array(16);
  unloggedBoot = 0;
  unloggedAuth = 0;

  constructor(private readonly capacity = LOG_CAPACITY) {}

  get used(): number {
    return this.entries.length;
  }

  get total(): number {
    return this.capacity;
  }

  get isFull(): boolean {
    return this.entries.length >= this.capacity;
  }

  list(): readonly LogEntry[] {
    return this.entries;
  }

  /** Appends one entry, chaining its digest; drops the oldest entry when the store is full. */
  append(fields: LogEntryFields): LogEntry {
    const number = this.nextNumber;
    const entry: LogEntry = { ...fields, number, digest: computeLogDigest({ ...fields, number }, this.lastDigest) };
    const digest = entry.digest;
    this.entries.push(entry);
    while (this.entries.length > this.capacity) this.entries.shift();
    this.lastDigest = digest;
    this.nextNumber = (number + 1) & 0xffff;
    return entry;
  }

  /** Marks every entry up to and including `index` as read (they no longer count as used). */
  setIndex(index: number): boolean {
    const at = this.entries.findIndex((e) => e.number === index);
    if (at < 0) return false;
    this.entries = this.entries.slice(at + 1);
    return true;
  }

  /** Clears the log and restarts the chain (factory reset). */
  reset(): void {
    this.entries = [];
    this.nextNumber = 1;
    this.lastDigest = new Uint8Array(16);
    this.unloggedBoot = 0;
    this.unloggedAuth = 0;
  }

  exportState(): AuditLogState {
    return {
      entries: [...this.entries],
      nextNumber: this.nextNumber,
      lastDigest: this.lastDigest,
      unloggedBoot: this.unloggedBoot,
      unloggedAuth: this.unloggedAuth,
    };
  }

  importState(s: AuditLogState): void {
    this.entries = [...s.entries].slice(-this.capacity);
    this.nextNumber = s.nextNumber & 0xffff;
    this.lastDigest = s.lastDigest;
    this.unloggedBoot = s.unloggedBoot;
    this.unloggedAuth = s.unloggedAuth;
  }
}
