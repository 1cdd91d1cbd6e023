import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isOpenKmsError } from '@openkms/core';
import { openAuditLog } from './audit-log.js';
import type { AuditRecord } from './audit-record.js';
import { readAuditRecords, type ReadAuditRecordsOptions } from './read-audit-records.js';
import { OTHER_KEY, TEST_KEY, allowRecord, tempDir, testClock } from './test-fixtures.js';

async function collect(dir: string, options?: ReadAuditRecordsOptions): Promise<AuditRecord[]> {
  const out: AuditRecord[] = [];
  for await (const r of readAuditRecords(dir, options)) out.push(r);
  return out;
}

/** Three days of records, daily rotation: day 1 seq 1-3, day 2 seq 4-6, day 3 seq 7-9 (active). */
async function threeDays(): Promise<string> {
  const dir = await tempDir();
  const clock = testClock('2025-03-01T12:00:00.000Z');
  const log = await openAuditLog({ dir, key: TEST_KEY, daily: true, now: clock.now });
  let i = 0;
  for (const day of ['2025-03-01', '2025-03-02', '2025-03-03']) {
    clock.set(`${day}T12:00:00.000Z`);
    for (let k = 0; k < 3; k++) await log.append(allowRecord(++i));
  }
  await log.close();
  return dir;
}

test('readAuditRecords streams every record in order across rotated files', async () => {
  const dir = await threeDays();
  const all = await collect(dir);
  assert.deepEqual(
    all.map((r) => r.seq),
    [1, 2, 3, 4, 5, 6, 7, 8, 9],
  );
  assert.equal(all[0]!.intent?.transfers[0]?.amount, '1001');
  assert.equal(all[0]!.label, 'hot-wallet');
  assert.deepEqual((await collect(dir, { key: TEST_KEY })).length, 9);
});

test('since filters records by time and skips rotated files that end before it', async () => {
  const dir = await threeDays();
  const since = new Date('2025-03-02T12:00:00.001Z');
  const recs = await collect(dir, { since });
  assert.deepEqual(
    recs.map((r) => r.seq),
    [5, 6, 7, 8, 9],
  );
  // the day-1 file is not even opened: corrupt it and the read still succeeds
  const { listAuditFiles } = await import('./audit-file-names.js');
  const [day1] = await listAuditFiles(dir);
  await writeFile(day1!, 'garbage\n');
  assert.equal((await collect(dir, { since })).length, 5);
  await assert.rejects(collect(dir), (err: unknown) => isOpenKmsError(err) && err.code === 'audit_chain_broken' && err.context.line === 1);
});

test('a torn last line is skipped; malformed or forged lines throw audit_chain_broken', async () => {
  const dir = await tempDir();
  const log = await openAuditLog({ dir, key: TEST_KEY, now: testClock().now });
  for (let i = 0; i < 3; i++) await log.append(allowRecord(i));
  await log.close();
  const file = join(dir, 'audit.jsonl');
  const original = await readFile(file, 'utf8');
  await appendFile(file, '{"v":1,"seq":4,"ti');
  assert.equal((await collect(dir)).length, 3);

  const lines = original.split('\n');
  const edited = JSON.parse(lines[1]!) as Record<string, unknown>;
  edited.label = 'cold-wallet';
  lines[1] = JSON.stringify(edited);
  await writeFile(file, lines.join('\n'));
  assert.equal((await collect(dir)).length, 3); // without a key: content is trusted
  await assert.rejects(collect(dir, { key: TEST_KEY }), (err: unknown) => isOpenKmsError(err) && err.context.reason === 'bad_mac' && err.context.line === 2);
  await writeFile(file, original);
  await assert.rejects(collect(dir, { key: OTHER_KEY }), (err: unknown) => isOpenKmsError(err) && err.code === 'audit_chain_broken');
  await writeFile(
    file,
    original
      .split('\n')
      .filter((_, i) => i !== 1)
      .join('\n'),
  );
  await assert.rejects(collect(dir, { key: TEST_KEY }), (err: unknown) => isOpenKmsError(err) && err.context.reason === 'seq_gap');
});

test('readAuditRecords on an empty or fresh directory yields nothing', async () => {
  const dir = await tempDir();
  assert.deepEqual(await collect(dir), []);
  await (await openAuditLog({ dir, key: TEST_KEY })).close();
  assert.deepEqual(await collect(dir), []);
});
