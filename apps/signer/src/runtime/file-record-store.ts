import { readRecordFile, writeRecordFile, type RecordFileKind } from './record-file.js';
import type { RecordStore } from './record-store.js';

/**
 * Memory mode's RecordStore: the records in this process, every change written to the whole record file atomically
 * before it counts (a failed write leaves the records as they were and rejects with `state_write_failed`). Without a
 * file: memory only. Claims last as long as this process.
 */
export class FileRecordStore<T extends { readonly id: string }> implements RecordStore<T> {
  readonly shared = false;
  readonly #file: string | undefined;
  readonly #kind: RecordFileKind<T>;
  readonly #records = new Map<string, T>();
  readonly #claims = new Set<string>();

  /** Reads the file now (see readRecordFile: a malformed or insecure one throws, the signer does not start). */
  constructor(file: string | undefined, kind: RecordFileKind<T>) {
    this.#file = file;
    this.#kind = kind;
    for (const r of file === undefined ? [] : readRecordFile(file, kind)) this.#records.set(r.id, r);
  }

  async all(): Promise<T[]> {
    return [...this.#records.values()];
  }

  async get(id: string): Promise<T | undefined> {
    return this.#records.get(id);
  }

  async put(next: T | undefined, prev: T | undefined, id = next?.id ?? prev?.id): Promise<boolean> {
    if (id === undefined) throw new Error('put needs a record');
    const current = this.#records.get(id);
    if (current !== prev) return false;
    if (next === undefined) this.#records.delete(id);
    else this.#records.set(id, next);
    try {
      if (this.#file !== undefined) writeRecordFile(this.#file, this.#kind, [...this.#records.values()]);
    } catch (err) {
      if (current === undefined) this.#records.delete(id);
      else this.#records.set(id, current);
      throw err;
    }
    return true;
  }

  async claim(id: string): Promise<boolean> {
    if (this.#claims.has(id)) return false;
    this.#claims.add(id);
    return true;
  }

  async unclaim(id: string): Promise<void> {
    this.#claims.delete(id);
  }

  async claimed(id: string): Promise<boolean> {
    return this.#claims.has(id);
  }
}
