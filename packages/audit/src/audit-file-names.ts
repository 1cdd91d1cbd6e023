import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * File naming.
 *
 * - The active file is `audit.jsonl`.
 * - A rotated file is `audit-YYYYMMDD-HHMMSSmmm-NNNNNNNNNNNNNNNN.jsonl`: the UTC time of the file's last record
 *   (raised, if the clock ever stepped back, to the previous rotated file's time so names never go backwards) and
 *   the file's last `seq`, zero-padded to 16 digits. Lexical order of rotated names is therefore chronological
 *   order, and the active file comes after all of them.
 */
export const ACTIVE_FILE_NAME = 'audit.jsonl';

const ROTATED = /^audit-(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})(\d{3})-(\d{16})\.jsonl$/;

export interface RotatedFileName {
  /** Upper bound of the `time` of every record in the file (when the clock did not step back). */
  readonly lastTime: Date;
  readonly lastSeq: number;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

export function rotatedFileName(lastTime: Date, lastSeq: number): string {
  const t = lastTime;
  const stamp =
    pad(t.getUTCFullYear(), 4) +
    pad(t.getUTCMonth() + 1, 2) +
    pad(t.getUTCDate(), 2) +
    '-' +
    pad(t.getUTCHours(), 2) +
    pad(t.getUTCMinutes(), 2) +
    pad(t.getUTCSeconds(), 2) +
    pad(t.getUTCMilliseconds(), 3);
  return `audit-${stamp}-${pad(lastSeq, 16)}.jsonl`;
}

export function parseRotatedFileName(name: string): RotatedFileName | undefined {
  const m = ROTATED.exec(name);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, ms, seq] = m as unknown as [string, string, string, string, string, string, string, string, string];
  const lastTime = new Date(Date.UTC(+y, +mo - 1, +d, +h, +mi, +s, +ms));
  if (Number.isNaN(lastTime.getTime())) return undefined;
  return { lastTime, lastSeq: Number(seq) };
}

/** `YYYYMMDDTHHMMSSmmmZ`, used in `.torn` file names. */
export function compactUtcStamp(t: Date): string {
  return (
    pad(t.getUTCFullYear(), 4) +
    pad(t.getUTCMonth() + 1, 2) +
    pad(t.getUTCDate(), 2) +
    'T' +
    pad(t.getUTCHours(), 2) +
    pad(t.getUTCMinutes(), 2) +
    pad(t.getUTCSeconds(), 2) +
    pad(t.getUTCMilliseconds(), 3) +
    'Z'
  );
}

/**
 * The audit files of `dir` in chronological order: rotated files oldest first, then `audit.jsonl` if present.
 * Returns full paths; `.torn` files and anything else are ignored.
 */
export async function listAuditFiles(dir: string): Promise<string[]> {
  const names = await readdir(dir);
  const rotated = names.filter((n) => ROTATED.test(n)).sort();
  const files = rotated.map((n) => join(dir, n));
  if (names.includes(ACTIVE_FILE_NAME)) files.push(join(dir, ACTIVE_FILE_NAME));
  return files;
}
