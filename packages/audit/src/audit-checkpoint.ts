import { createHmac, timingSafeEqual } from 'node:crypto';
import { open, readFile, readdir, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { openKmsError } from '@openkms/core';
import { ACTIVE_FILE_NAME, parseRotatedFileName } from './audit-file-names.js';
import { recordShapeProblem, type AuditRecord } from './audit-record.js';
import { canonicalJson } from './canonical-json.js';
import { readFileTail } from './file-tail.js';
import { readJsonlLines } from './jsonl-line-reader.js';
import { MAX_RECORD_BYTES } from './audit-log.js';
import { recordMacMatches } from './record-mac.js';

/**
 * A checkpoint written alongside the audit chain: some state derived from the records up to `seq` (the payload,
 * opaque here — the signer stores its policy counters), anchored to that record and HMAC'd with the audit key, so
 * a reader can take the payload and read only the records after the anchor instead of the whole log.
 */
export const CHECKPOINT_FILE_NAME = 'audit.checkpoint.json';

export interface AuditCheckpoint<P = unknown> {
  readonly v: 1;
  /** The last record the payload covers. */
  readonly seq: number;
  /** That record's mac. */
  readonly mac: string;
  /** Byte offset just after that record in the file that holds it. */
  readonly offset: number;
  /** When the checkpoint was written (ISO-8601). */
  readonly written_at: string;
  readonly payload: P;
}

/** Domain separation: a checkpoint MAC can never be mistaken for a record MAC. */
const MAC_PREFIX = 'openkms-audit-checkpoint-v1\n';

function checkpointMac(key: Uint8Array, body: AuditCheckpoint): string {
  return createHmac('sha256', key)
    .update(MAC_PREFIX + canonicalJson(body), 'utf8')
    .digest('hex');
}

/**
 * Writes `<dir>/audit.checkpoint.json` atomically (temporary file, fsync, rename, directory fsync). Call it only
 * once every record up to `seq` is durable (AuditLog.flush).
 */
export async function writeAuditCheckpoint<P>(
  dir: string,
  key: Uint8Array,
  anchor: { seq: number; mac: string; offset: number; payload: P },
  opts: { now?: Date; fileMode?: number } = {},
): Promise<void> {
  const body: AuditCheckpoint<P> = {
    v: 1,
    seq: anchor.seq,
    mac: anchor.mac,
    offset: anchor.offset,
    written_at: (opts.now ?? new Date()).toISOString(),
    payload: anchor.payload,
  };
  const text = JSON.stringify({ ...body, hmac: checkpointMac(key, body as AuditCheckpoint) }) + '\n';
  const path = join(dir, CHECKPOINT_FILE_NAME);
  const tmp = `${path}.${process.pid}.tmp`;
  const fh = await open(tmp, 'w', opts.fileMode ?? 0o600);
  try {
    await fh.writeFile(text, 'utf8');
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  const d = await open(dir, 'r');
  try {
    await d.sync();
  } finally {
    await d.close();
  }
}

/**
 * Reads and verifies the checkpoint's HMAC. `{}` when there is none; `{ problem }` when it is unreadable, malformed
 * or does not verify under `key` (the caller then falls back to reading the log).
 */
export async function readAuditCheckpoint<P = unknown>(dir: string, key: Uint8Array): Promise<{ checkpoint?: AuditCheckpoint<P>; problem?: string }> {
  let text: string;
  try {
    text = await readFile(join(dir, CHECKPOINT_FILE_NAME), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    return { problem: `unreadable (${(err as NodeJS.ErrnoException).code ?? 'error'})` };
  }
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return { problem: 'not valid JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { problem: 'not a JSON object' };
  const { hmac, ...rest } = value;
  const body = rest as unknown as AuditCheckpoint<P>;
  if (
    body.v !== 1 ||
    !Number.isSafeInteger(body.seq) ||
    body.seq < 1 ||
    !Number.isSafeInteger(body.offset) ||
    body.offset < 1 ||
    typeof body.mac !== 'string'
  ) {
    return { problem: 'malformed' };
  }
  if (typeof hmac !== 'string' || !/^[0-9a-f]{64}$/.test(hmac)) return { problem: 'no hmac' };
  const expected = Buffer.from(checkpointMac(key, body as AuditCheckpoint), 'hex');
  if (!timingSafeEqual(expected, Buffer.from(hmac, 'hex'))) return { problem: 'hmac does not verify (tampered, or a different key)' };
  return { checkpoint: body };
}

/**
 * The records after a checkpoint's anchor, in order, each MAC- and link-verified from the anchor on. The anchor
 * itself (the record at `seq`, ending at `offset` in the file holding it) must be there with the checkpoint's mac.
 * Reads only the anchor's file from `offset` and the files after it. Throws `audit_chain_broken` on any mismatch.
 */
export async function* readAuditRecordsAfter(
  dir: string,
  key: Uint8Array,
  anchor: Pick<AuditCheckpoint, 'seq' | 'mac' | 'offset'>,
): AsyncGenerator<AuditRecord> {
  const broken = (reason: string, message: string, file?: string): never => {
    throw openKmsError('audit_chain_broken', `checkpoint: ${message}`, { reason, ...(file ? { file } : {}) });
  };
  const names = await readdir(dir);
  const rotated = names
    .map((n) => ({ n, r: parseRotatedFileName(n) }))
    .filter((x) => x.r !== undefined)
    .sort((a, b) => (a.n < b.n ? -1 : 1));
  // the anchor is in the first rotated file whose last seq is ≥ it, else in the active file
  const at = rotated.findIndex((x) => x.r!.lastSeq >= anchor.seq);
  const files = [...(at < 0 ? [] : rotated.slice(at).map((x) => x.n)), ...(names.includes(ACTIVE_FILE_NAME) ? [ACTIVE_FILE_NAME] : [])].map((n) =>
    join(dir, n),
  );
  if (files.length === 0) broken('missing_anchor', 'no audit file holds the anchor record');
  const first = files[0]!;
  const fh = await open(first, 'r');
  let anchorRecord: AuditRecord | undefined;
  try {
    const size = (await fh.stat()).size;
    if (anchor.offset > size) broken('missing_anchor', 'the anchor offset is past the end of its file', first);
    const edge = Buffer.alloc(1);
    await fh.read(edge, 0, 1, anchor.offset - 1);
    if (edge[0] !== 0x0a) broken('missing_anchor', 'the anchor offset is not the end of a record', first);
    const tail = await readFileTail(fh, anchor.offset, MAX_RECORD_BYTES);
    if (tail.lastLine === undefined) broken('missing_anchor', 'no record ends at the anchor offset', first);
    try {
      anchorRecord = JSON.parse(tail.lastLine!.toString('utf8')) as AuditRecord;
    } catch {
      broken('bad_json', 'the anchor record is not valid JSON', first);
    }
  } finally {
    await fh.close();
  }
  const a = anchorRecord!;
  if (recordShapeProblem(a) !== undefined || a.seq !== anchor.seq || a.mac !== anchor.mac || !recordMacMatches(key, a)) {
    broken('bad_anchor', 'the record at the anchor is not the one the checkpoint names', first);
  }
  let prev = a;
  for (const [i, file] of files.entries()) {
    for await (const line of readJsonlLines(file, undefined, i === 0 ? anchor.offset : 0)) {
      if (!line.terminated) break;
      if (line.tooLong) broken('bad_json', 'audit line is too long', file);
      let record: AuditRecord;
      try {
        record = JSON.parse(line.text) as AuditRecord;
      } catch {
        return broken('bad_json', 'audit line is not valid JSON', file);
      }
      if (recordShapeProblem(record) !== undefined) broken('bad_record', 'malformed audit record', file);
      if (!recordMacMatches(key, record)) broken('bad_mac', 'audit record MAC does not verify', file);
      if (record.seq !== prev.seq + 1 || record.prev_mac !== prev.mac)
        broken('broken_link', `expected seq ${prev.seq + 1} linked to the previous record`, file);
      prev = record;
      yield record;
    }
  }
}
