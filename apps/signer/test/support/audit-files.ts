import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readAuditRecords, type AuditRecord } from '@openkms/audit';
import { waitFor } from './wait-for.js';
import type { TestSigner } from './test-signer.js';

/** Reading a test signer's audit log (DIR/audit/). */

/** Every audit record written so far, across rotated files, parsed by @openkms/audit (of a signer or its directory). */
export async function auditRecords(target: TestSigner | string): Promise<AuditRecord[]> {
  const dir = typeof target === 'string' ? target : target.dir;
  const out: AuditRecord[] = [];
  for await (const r of readAuditRecords(join(dir, 'audit'))) out.push(r);
  return out;
}

/** The raw lines of the active audit file (DIR/audit/audit.jsonl) and each parsed, read synchronously. */
export function auditLines(dir: string): { lines: string[]; records: any[] } {
  const file = join(dir, 'audit', 'audit.jsonl');
  if (!existsSync(file)) return { lines: [], records: [] };
  const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
  return { lines, records: lines.map((l) => JSON.parse(l)) };
}

/**
 * Non-durable records (denials) are written by the group commit shortly after the response: waits until `n` records
 * match (throws after `timeoutMs`) and returns every match.
 */
export function waitForAudit(s: TestSigner, pred: (r: AuditRecord) => boolean, n = 1, timeoutMs = 3000): Promise<AuditRecord[]> {
  return waitFor(
    async () => {
      const hits = (await auditRecords(s)).filter(pred);
      return hits.length >= n && hits;
    },
    `${n} matching audit record(s)`,
    timeoutMs,
  );
}
