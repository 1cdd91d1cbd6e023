import { readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { listAuditFiles } from '@openkms/audit';

/** One instance's audit chain: a directory of audit files (fleet mode: `<audit.dir>/<instance id>`). */
export interface AuditInstance {
  /** The instance id (the directory's name). */
  readonly name: string;
  readonly dir: string;
}

/**
 * The audit chains under `dir`: the directory itself when it holds audit files (one signer, or one instance's
 * directory), else each of its subdirectories that does (a fleet's `audit.dir`, or a directory where an operator
 * copied every instance's log), sorted by name. None: an empty list.
 */
export async function auditInstancesIn(dir: string): Promise<AuditInstance[]> {
  if ((await listAuditFiles(dir)).length > 0) return [{ name: basename(dir), dir }];
  const out: AuditInstance[] = [];
  for (const name of readdirSync(dir).sort()) {
    const sub = join(dir, name);
    if (!statSync(sub).isDirectory()) continue;
    if ((await listAuditFiles(sub)).length > 0) out.push({ name, dir: sub });
  }
  return out;
}

/** Whether `path` is a directory (a FILE… argument naming an instance's directory). */
export function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
