import { constants as fsConstants } from 'node:fs';
import { access, lstat, mkdir, open, readdir, rename, type FileHandle } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { isOpenKmsError, openKmsError, type OpenKmsError } from '@openkms/core';
import {
  AUDIT_FORMAT_VERSION,
  GENESIS_MAC,
  INPUT_FIELDS,
  RECORD_FIELD_ORDER,
  isAuditDecision,
  recordShapeProblem,
  type AuditRecord,
  type AuditRecordInput,
} from './audit-record.js';
import { ACTIVE_FILE_NAME, compactUtcStamp, parseRotatedFileName, rotatedFileName } from './audit-file-names.js';
import { acquireWriterLock } from './writer-lock.js';
import { toPlainJson } from './canonical-json.js';
import { readFileTail, readRange } from './file-tail.js';
import { computeRecordMac, recordMacMatches } from './record-mac.js';

/** Largest serialised record accepted by append by default (bytes, newline included). */
export const MAX_RECORD_BYTES = 1024 * 1024;
/** Largest single write of a group-commit batch; bigger backlogs are written in several batches. */
const MAX_BATCH_BYTES = 4 * 1024 * 1024;
/** Largest torn tail repairTruncatedTail moves aside automatically. */
const MAX_TORN_BYTES = 64 * 1024 * 1024;

/** Reported after every batch written (and possibly fsync'ed). */
export interface AuditWriteInfo {
  /** Records in the batch. */
  readonly records: number;
  /** Bytes written by the batch. */
  readonly bytes: number;
  /** Time spent in the batch's fsync (0 when the batch was not fsync'ed). */
  readonly fsyncMs: number;
  /** Whether the batch was fsync'ed. */
  readonly synced: boolean;
}

/** Low-level write/sync operations; replace them only to inject faults in tests. */
export interface AuditIo {
  /** Writes all of `data` at the end of the (O_APPEND) file. */
  write(file: FileHandle, data: Buffer): Promise<void>;
  /** Makes everything written so far durable (default: fdatasync). */
  sync(file: FileHandle): Promise<void>;
}

export interface OpenAuditLogOptions {
  /** Directory holding `audit.jsonl` and the rotated files (created with mode 0700 if missing). */
  readonly dir: string;
  /** HMAC key (at least 16 bytes; loadAuditKey gives 32). */
  readonly key: Uint8Array;
  /** Rotate before a record would make the active file larger than this many bytes. */
  readonly maxBytes?: number;
  /** Rotate when a record's UTC day differs from the previous record's. */
  readonly daily?: boolean;
  /** Mode of the files the log creates (default 0o600). */
  readonly fileMode?: number;
  /** Clock (default `() => new Date()`), injectable for tests. */
  readonly now?: () => Date;
  /** Move a torn (partial) last line aside to a `.torn` file instead of refusing to open. */
  readonly repairTruncatedTail?: boolean;
  /**
   * Largest serialised record append accepts (bytes, newline included; default and upper bound MAX_RECORD_BYTES).
   * A larger record is refused with `audit_record_too_large` (context: bytes, max_bytes) without consuming a seq.
   */
  readonly maxRecordBytes?: number;
  /** Called after every batch write, e.g. for metrics. Exceptions thrown by it are ignored. */
  readonly onWrite?: (info: AuditWriteInfo) => void;
  /** Fault-injection hooks for tests. */
  readonly io?: Partial<AuditIo>;
}

export interface AuditLogStats {
  /** Records written (not merely queued). */
  readonly records: number;
  readonly bytes: number;
  /** Batch writes. */
  readonly writes: number;
  /** fsync/fdatasync calls on the active file, rotations included. */
  readonly fsyncs: number;
  readonly rotations: number;
}

export type AuditLogState = 'open' | 'failed' | 'closed';

export interface AppendOptions {
  /** Resolve only after the record is written and fsync'ed (default false: resolve after the write). */
  readonly durable?: boolean;
}

export interface AuditLog {
  /**
   * Appends a record. `seq`, `time` and `prev_mac` are assigned synchronously at call time, so the order in the
   * file is the order of the calls. Rejects with `audit_write_failed` if the log has failed or is closed.
   */
  append(input: AuditRecordInput, opts?: AppendOptions): Promise<AuditRecord>;
  /** Resolves once every record appended so far is written and fsync'ed. */
  flush(): Promise<void>;
  /** Flushes, then closes the file. Later appends reject. Idempotent. */
  close(): Promise<void>;
  readonly dir: string;
  /** Full path of `audit.jsonl`. */
  readonly activeFile: string;
  /** seq of the last record appended (assigned), 0 for an empty log. */
  readonly lastSeq: number;
  /** mac of the last record appended (GENESIS_MAC for an empty log). */
  readonly lastMac: string;
  /**
   * Byte offset just after the last record appended, in the file that holds it (`audit.jsonl` now, or the rotated
   * file it is renamed to later: rotation keeps offsets). 0 when that record is in an older file than the active one.
   */
  readonly lastOffset: number;
  readonly state: AuditLogState;
  readonly stats: AuditLogStats;
}

interface Entry {
  /** Undefined for a flush barrier. */
  readonly line: Buffer | undefined;
  readonly record: AuditRecord | undefined;
  readonly durable: boolean;
  /** Rotate to this name before writing the entry. */
  rotateTo: string | undefined;
  readonly resolve: (record: AuditRecord | undefined) => void;
  readonly reject: (err: unknown) => void;
}

/** Directories opened by this process (one writer per directory). */
const openDirs = new Set<string>();

const defaultIo: AuditIo = {
  async write(file, data) {
    let offset = 0;
    while (offset < data.length) {
      const { bytesWritten } = await file.write(data, offset, data.length - offset);
      if (bytesWritten <= 0) throw new Error('write made no progress');
      offset += bytesWritten;
    }
  },
  async sync(file) {
    await file.datasync();
  },
};

async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

function errnoOf(err: unknown): string {
  return (err as NodeJS.ErrnoException | undefined)?.code ?? 'error';
}

interface ChainHead {
  readonly lastSeq: number;
  readonly lastMac: string;
  /** Time of the last record (any file), undefined for a new log. */
  readonly lastTime: string | undefined;
  /** Complete bytes in audit.jsonl (its records), 0 if absent or empty. */
  readonly activeBytes: number;
}

/** Finds where the chain continues: the last record of the newest non-empty file, after torn-tail handling. */
async function recoverChainHead(dir: string, key: Uint8Array, opts: { repair: boolean; now: () => Date; fileMode: number }): Promise<ChainHead> {
  const names = await readdir(dir);
  const rotated = names.filter((n) => parseRotatedFileName(n) !== undefined).sort();
  const candidates = [...(names.includes(ACTIVE_FILE_NAME) ? [ACTIVE_FILE_NAME] : []), ...rotated.reverse()];
  for (const name of candidates) {
    const path = join(dir, name);
    const st = await lstat(path);
    if (!st.isFile()) throw openKmsError('insecure_file', 'audit file is not a regular file', { path });
    if (st.size === 0) continue;
    const fh = await open(path, 'r');
    let tail;
    try {
      tail = await readFileTail(fh, st.size, MAX_RECORD_BYTES);
    } finally {
      await fh.close();
    }
    if (tail.tornBytes > 0) {
      if (!opts.repair) {
        throw openKmsError('audit_chain_broken', 'audit file ends with a partial record (torn write); reopen with repairTruncatedTail to move it aside', {
          file: path,
          offset: tail.completeBytes,
          torn_bytes: tail.tornBytes,
        });
      }
      await moveTornTailAside(path, tail.completeBytes, st.size, opts.now(), opts.fileMode);
    }
    if (tail.lastLine === undefined) continue;
    let record: unknown;
    try {
      record = JSON.parse(tail.lastLine.toString('utf8'));
    } catch {
      throw openKmsError('audit_chain_broken', 'last audit record is not valid JSON', { file: path, reason: 'bad_json' });
    }
    const problem = recordShapeProblem(record);
    if (problem !== undefined) throw openKmsError('audit_chain_broken', `last audit record is malformed: ${problem}`, { file: path, reason: 'bad_record' });
    const rec = record as AuditRecord;
    if (!recordMacMatches(key, rec)) {
      throw openKmsError('audit_chain_broken', 'last audit record does not verify (tampered, or a different key)', {
        file: path,
        seq: rec.seq,
        reason: 'bad_mac',
      });
    }
    return { lastSeq: rec.seq, lastMac: rec.mac, lastTime: rec.time, activeBytes: name === ACTIVE_FILE_NAME ? tail.completeBytes : 0 };
  }
  return { lastSeq: 0, lastMac: GENESIS_MAC, lastTime: undefined, activeBytes: 0 };
}

/** Copies the bytes after `offset` to `<file>.<stamp>.torn`, then truncates the file to `offset` (all fsync'ed). */
async function moveTornTailAside(path: string, offset: number, size: number, now: Date, fileMode: number): Promise<string> {
  if (size - offset > MAX_TORN_BYTES) {
    throw openKmsError('audit_chain_broken', 'torn tail is too large to move aside automatically', { file: path, torn_bytes: size - offset });
  }
  const fh = await open(path, 'r+');
  try {
    const torn = await readRange(fh, offset, size - offset);
    const base = `${path}.${compactUtcStamp(now)}`;
    let tornPath = `${base}.torn`;
    for (let i = 1; i <= 100 && (await exists(tornPath)); i++) tornPath = `${base}-${i}.torn`;
    const out = await open(tornPath, 'wx', fileMode);
    try {
      await out.writeFile(torn);
      await out.sync();
    } finally {
      await out.close();
    }
    await fh.truncate(offset);
    await fh.sync();
    await fsyncDir(resolve(path, '..'));
    return tornPath;
  } finally {
    await fh.close();
  }
}

/**
 * Opens (or creates) the audit log in `options.dir` and resumes its chain from the newest record on disk.
 *
 * Refuses with `audit_chain_broken` when the newest file ends with a partial line (unless repairTruncatedTail) or
 * its last record does not verify under `key`; with `conflict` when this process already has the directory open.
 */
export async function openAuditLog(options: OpenAuditLogOptions): Promise<AuditLog> {
  const { key } = options;
  if (!(key instanceof Uint8Array) || key.length < 16) {
    throw openKmsError('config_invalid', 'audit key must be a Uint8Array of at least 16 bytes');
  }
  if (
    options.maxRecordBytes !== undefined &&
    !(Number.isSafeInteger(options.maxRecordBytes) && options.maxRecordBytes > 0 && options.maxRecordBytes <= MAX_RECORD_BYTES)
  ) {
    throw openKmsError('config_invalid', `audit maxRecordBytes must be an integer in 1..${MAX_RECORD_BYTES}`, { max_record_bytes: options.maxRecordBytes });
  }
  if (options.maxBytes !== undefined && !(Number.isSafeInteger(options.maxBytes) && options.maxBytes > 0)) {
    throw openKmsError('config_invalid', 'audit maxBytes must be a positive integer', { max_bytes: options.maxBytes });
  }
  const dir = resolve(options.dir);
  if (openDirs.has(dir)) throw openKmsError('conflict', 'audit log directory is already open in this process', { dir });
  openDirs.add(dir);
  const now = options.now ?? (() => new Date());
  const fileMode = options.fileMode ?? 0o600;
  let unlock: (() => void) | undefined;
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    unlock = acquireWriterLock(dir);
    const head = await recoverChainHead(dir, key, { repair: options.repairTruncatedTail === true, now, fileMode });
    const rotated = (await readdir(dir)).filter((n) => parseRotatedFileName(n) !== undefined).sort();
    const newestRotated = rotated.length > 0 ? parseRotatedFileName(rotated[rotated.length - 1]!) : undefined;
    const activeFile = join(dir, ACTIVE_FILE_NAME);
    const created = !(await exists(activeFile));
    const fh = await openActive(activeFile, fileMode);
    if (created) await fsyncDir(dir);
    const size = (await fh.stat()).size;
    return new AuditLogImpl({
      dir,
      activeFile,
      key: new Uint8Array(key),
      fh,
      head: { ...head, activeBytes: size },
      lastRotatedMs: newestRotated?.lastTime.getTime(),
      options,
      now,
      fileMode,
      unlock,
    });
  } catch (err) {
    unlock?.();
    openDirs.delete(dir);
    if (isOpenKmsError(err)) throw err;
    throw openKmsError('audit_write_failed', 'cannot open the audit log', { dir, errno: errnoOf(err) }, err);
  }
}

async function openActive(path: string, mode: number): Promise<FileHandle> {
  const flags = fsConstants.O_WRONLY | fsConstants.O_APPEND | fsConstants.O_CREAT | fsConstants.O_NOFOLLOW;
  return open(path, flags, mode);
}

class AuditLogImpl implements AuditLog {
  readonly dir: string;
  readonly activeFile: string;
  readonly #key: Uint8Array;
  readonly #now: () => Date;
  readonly #fileMode: number;
  readonly #maxBytes: number | undefined;
  readonly #maxRecordBytes: number;
  readonly #daily: boolean;
  readonly #onWrite: ((info: AuditWriteInfo) => void) | undefined;
  readonly #io: AuditIo;
  readonly #unlock: () => void;

  #fh: FileHandle | undefined;
  // Chain state, advanced synchronously by append.
  #lastSeq: number;
  #lastMac: string;
  #lastTime: string | undefined;
  /** Bytes of the active file including queued records (for size rotation). */
  #activeBytes: number;
  #lastRotatedMs: number | undefined;

  #queue: Entry[] = [];
  #writing = false;
  #unsynced = false;
  #idleWaiters: (() => void)[] = [];
  #failure: OpenKmsError | undefined;
  #closing: Promise<void> | undefined;
  #closed = false;
  #stats = { records: 0, bytes: 0, writes: 0, fsyncs: 0, rotations: 0 };

  constructor(init: {
    dir: string;
    activeFile: string;
    key: Uint8Array;
    fh: FileHandle;
    head: ChainHead;
    lastRotatedMs: number | undefined;
    options: OpenAuditLogOptions;
    now: () => Date;
    fileMode: number;
    unlock: () => void;
  }) {
    this.dir = init.dir;
    this.activeFile = init.activeFile;
    this.#key = init.key;
    this.#fh = init.fh;
    this.#now = init.now;
    this.#fileMode = init.fileMode;
    this.#maxBytes = init.options.maxBytes;
    this.#maxRecordBytes = init.options.maxRecordBytes ?? MAX_RECORD_BYTES;
    this.#daily = init.options.daily === true;
    this.#onWrite = init.options.onWrite;
    this.#io = { ...defaultIo, ...init.options.io };
    this.#lastSeq = init.head.lastSeq;
    this.#lastMac = init.head.lastMac;
    this.#lastTime = init.head.lastTime;
    this.#activeBytes = init.head.activeBytes;
    this.#lastRotatedMs = init.lastRotatedMs;
    this.#unlock = init.unlock;
  }

  get lastSeq(): number {
    return this.#lastSeq;
  }

  get lastMac(): string {
    return this.#lastMac;
  }

  get lastOffset(): number {
    return this.#activeBytes;
  }

  get state(): AuditLogState {
    if (this.#failure) return 'failed';
    return this.#closing ? 'closed' : 'open';
  }

  get stats(): AuditLogStats {
    return { ...this.#stats };
  }

  append(input: AuditRecordInput, opts: AppendOptions = {}): Promise<AuditRecord> {
    if (this.#failure) return Promise.reject(this.#failure);
    if (this.#closing) return Promise.reject(openKmsError('audit_write_failed', 'audit log is closed', { dir: this.dir, state: 'closed' }));
    let built: { record: AuditRecord; line: Buffer };
    try {
      built = this.#build(input);
    } catch (err) {
      const message = err instanceof Error ? err.message : 'invalid record';
      return Promise.reject(isOpenKmsError(err) ? err : openKmsError('internal_error', `invalid audit record: ${message}`, {}, err));
    }
    const { record, line } = built;
    // Rotation is decided here, synchronously, so it lands between exactly the right records.
    let rotateTo: string | undefined;
    if (this.#activeBytes > 0 && this.#lastTime !== undefined) {
      const overSize = this.#maxBytes !== undefined && this.#activeBytes + line.length > this.#maxBytes;
      const newDay = this.#daily && record.time.slice(0, 10) !== this.#lastTime.slice(0, 10);
      if (overSize || newDay) {
        const stampMs = Math.max(Date.parse(this.#lastTime), this.#lastRotatedMs ?? -Infinity);
        rotateTo = rotatedFileName(new Date(stampMs), this.#lastSeq);
        this.#lastRotatedMs = stampMs;
        this.#activeBytes = 0;
      }
    }
    this.#lastSeq = record.seq;
    this.#lastMac = record.mac;
    this.#lastTime = record.time;
    this.#activeBytes += line.length;
    return new Promise<AuditRecord>((resolvePromise, rejectPromise) => {
      this.#queue.push({
        line,
        record,
        durable: opts.durable === true,
        rotateTo,
        resolve: (r) => resolvePromise(r!),
        reject: rejectPromise,
      });
      this.#kick();
    });
  }

  flush(): Promise<void> {
    if (this.#failure) return Promise.reject(this.#failure);
    if (this.#closed) return Promise.resolve();
    return new Promise<void>((resolvePromise, rejectPromise) => {
      this.#queue.push({ line: undefined, record: undefined, durable: true, rotateTo: undefined, resolve: () => resolvePromise(), reject: rejectPromise });
      this.#kick();
    });
  }

  close(): Promise<void> {
    this.#closing ??= this.#doClose();
    return this.#closing;
  }

  async #doClose(): Promise<void> {
    let error: unknown;
    if (!this.#failure) {
      try {
        await new Promise<void>((resolvePromise, rejectPromise) => {
          this.#queue.push({ line: undefined, record: undefined, durable: true, rotateTo: undefined, resolve: () => resolvePromise(), reject: rejectPromise });
          this.#kick();
        });
      } catch (err) {
        error = err;
      }
    }
    await this.#idle();
    const fh = this.#fh;
    this.#fh = undefined;
    try {
      await fh?.close();
    } catch {
      // Nothing left to lose: every record was already written or rejected.
    }
    this.#closed = true;
    this.#unlock();
    openDirs.delete(this.dir);
    if (error !== undefined) throw error;
  }

  #build(input: AuditRecordInput): { record: AuditRecord; line: Buffer } {
    if (typeof input !== 'object' || input === null) throw new TypeError('record must be an object');
    if (!isAuditDecision(input.decision)) throw new TypeError('decision is missing or unknown');
    const source = input as unknown as Record<string, unknown>;
    const fields: Record<string, unknown> = {};
    for (const f of INPUT_FIELDS) if (source[f] !== undefined) fields[f] = source[f];
    const plain = toPlainJson(fields) as Record<string, unknown>;
    const date = this.#now();
    if (!(date instanceof Date) || Number.isNaN(date.getTime())) throw new TypeError('clock returned an invalid date');
    const assigned: Record<string, unknown> = {
      ...plain,
      v: AUDIT_FORMAT_VERSION,
      seq: this.#lastSeq + 1,
      time: date.toISOString(),
      prev_mac: this.#lastMac,
    };
    const withoutMac = Object.fromEntries(RECORD_FIELD_ORDER.filter((f) => f !== 'mac' && assigned[f] !== undefined).map((f) => [f, assigned[f]]));
    const mac = computeRecordMac(this.#key, withoutMac);
    const record = Object.freeze({ ...withoutMac, mac }) as unknown as AuditRecord;
    const line = Buffer.from(JSON.stringify(record) + '\n', 'utf8');
    if (line.length > this.#maxRecordBytes) {
      throw openKmsError('audit_record_too_large', `audit record is larger than ${this.#maxRecordBytes} bytes`, {
        bytes: line.length,
        max_bytes: this.#maxRecordBytes,
      });
    }
    return { record, line };
  }

  #kick(): void {
    if (this.#writing) return;
    this.#writing = true;
    // Start on a microtask so that appends made in the same tick join the first batch.
    queueMicrotask(() => void this.#drain());
  }

  #idle(): Promise<void> {
    if (!this.#writing) return Promise.resolve();
    return new Promise((r) => this.#idleWaiters.push(r));
  }

  async #drain(): Promise<void> {
    let batch: Entry[] = [];
    let op = 'write';
    try {
      while (this.#queue.length > 0 && !this.#failure) {
        const first = this.#queue[0]!;
        if (first.rotateTo !== undefined) {
          op = 'rotate';
          await this.#rotate(first.rotateTo);
          first.rotateTo = undefined;
        }
        let n = 0;
        let bytes = 0;
        let records = 0;
        let wantSync = false;
        while (n < this.#queue.length) {
          const e = this.#queue[n]!;
          if (n > 0 && e.rotateTo !== undefined) break;
          const len = e.line?.length ?? 0;
          if (n > 0 && bytes + len > MAX_BATCH_BYTES) break;
          bytes += len;
          if (e.line) records++;
          if (e.durable) wantSync = true;
          n++;
        }
        batch = this.#queue.splice(0, n);
        const fh = this.#fh;
        if (!fh) throw new Error('audit file is not open');
        if (bytes > 0) {
          op = 'write';
          const lines = batch.flatMap((e) => (e.line ? [e.line] : []));
          await this.#io.write(fh, lines.length === 1 ? lines[0]! : Buffer.concat(lines, bytes));
          this.#unsynced = true;
          this.#stats.records += records;
          this.#stats.bytes += bytes;
          this.#stats.writes++;
          for (const e of batch) if (!e.durable) e.resolve(e.record);
        }
        let fsyncMs = 0;
        const synced = wantSync && this.#unsynced;
        if (synced) {
          op = 'fsync';
          const t0 = performance.now();
          await this.#io.sync(fh);
          fsyncMs = performance.now() - t0;
          this.#unsynced = false;
          this.#stats.fsyncs++;
        }
        for (const e of batch) if (e.durable || bytes === 0) e.resolve(e.record);
        batch = [];
        if (bytes > 0 || synced) this.#report({ records, bytes, fsyncMs, synced });
      }
    } catch (err) {
      this.#fail(err, op, batch);
    } finally {
      this.#writing = false;
      const waiters = this.#idleWaiters;
      this.#idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  async #rotate(name: string): Promise<void> {
    const fh = this.#fh;
    if (!fh) throw new Error('audit file is not open');
    if (this.#unsynced) {
      await this.#io.sync(fh);
      this.#unsynced = false;
      this.#stats.fsyncs++;
    }
    this.#fh = undefined;
    await fh.close();
    const target = join(this.dir, name);
    if (await exists(target)) throw new Error(`rotation target ${name} already exists`);
    await rename(this.activeFile, target);
    const created = await open(
      this.activeFile,
      fsConstants.O_WRONLY | fsConstants.O_APPEND | fsConstants.O_CREAT | fsConstants.O_EXCL | fsConstants.O_NOFOLLOW,
      this.#fileMode,
    );
    this.#fh = created;
    await fsyncDir(this.dir);
    this.#stats.rotations++;
  }

  #report(info: AuditWriteInfo): void {
    if (!this.#onWrite) return;
    try {
      this.#onWrite(info);
    } catch {
      // Metrics must never break the log.
    }
  }

  #fail(cause: unknown, op: string, batch: Entry[]): void {
    const error = openKmsError(
      'audit_write_failed',
      `audit log ${op} failed; the log refuses further records until it is reopened`,
      { dir: this.dir, op, errno: errnoOf(cause) },
      cause,
    );
    this.#failure = error;
    const pending = [...batch, ...this.#queue];
    this.#queue = [];
    for (const e of pending) e.reject(error);
  }
}
