import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CHECKPOINT_FILE_NAME, readAuditCheckpoint, readAuditRecordsAfter, writeAuditCheckpoint } from './audit-checkpoint.js';
import { openAuditLog } from './audit-log.js';
import { OTHER_KEY, TEST_KEY, allowRecord, tempDir, testClock } from './test-fixtures.js';

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

test('checkpoint: anchored to a record, HMAC-verified, and only the records after it are read (across rotations)', async () => {
  const dir = await tempDir();
  const clock = testClock();
  const log = await openAuditLog({ dir, key: TEST_KEY, now: clock.now, maxBytes: 4096 });
  for (let i = 0; i < 10; i++) await log.append(allowRecord(i));
  const anchor = { seq: log.lastSeq, mac: log.lastMac, offset: log.lastOffset };
  await log.flush();
  await writeAuditCheckpoint(dir, TEST_KEY, { ...anchor, payload: { n: 10 } });
  // more records, enough to rotate the anchor's file away
  for (let i = 10; i < 25; i++) await log.append(allowRecord(i));
  await log.close();

  const { checkpoint, problem } = await readAuditCheckpoint<{ n: number }>(dir, TEST_KEY);
  assert.equal(problem, undefined);
  assert.equal(checkpoint!.seq, 10);
  assert.deepEqual(checkpoint!.payload, { n: 10 });
  const after = await collect(readAuditRecordsAfter(dir, TEST_KEY, checkpoint!));
  assert.deepEqual(
    after.map((r) => r.seq),
    Array.from({ length: 15 }, (_, i) => 11 + i),
  );

  // another key, or an edited payload: the HMAC does not verify
  assert.match((await readAuditCheckpoint(dir, OTHER_KEY)).problem!, /hmac/);
  const path = join(dir, CHECKPOINT_FILE_NAME);
  const text = await readFile(path, 'utf8');
  await writeFile(path, text.replace('"n":10', '"n":9'));
  assert.match((await readAuditCheckpoint(dir, TEST_KEY)).problem!, /hmac/);
  await writeFile(path, 'not json');
  assert.equal((await readAuditCheckpoint(dir, TEST_KEY)).problem, 'not valid JSON');

  // an anchor that is not the record at that place (wrong mac, wrong offset): audit_chain_broken
  await assert.rejects(collect(readAuditRecordsAfter(dir, TEST_KEY, { ...anchor, mac: 'f'.repeat(64) })), { code: 'audit_chain_broken' });
  await assert.rejects(collect(readAuditRecordsAfter(dir, TEST_KEY, { ...anchor, offset: anchor.offset - 1 })), { code: 'audit_chain_broken' });
});

test('audit_record_too_large: a record over maxRecordBytes is refused with its size, without consuming a seq', async () => {
  const dir = await tempDir();
  const log = await openAuditLog({ dir, key: TEST_KEY, maxRecordBytes: 2048 });
  await assert.rejects(log.append({ decision: 'deny', reason: 'x'.repeat(4000) }), (err: { code: string; context: Record<string, unknown> }) => {
    assert.equal(err.code, 'audit_record_too_large');
    assert.equal(err.context.max_bytes, 2048);
    assert.ok((err.context.bytes as number) > 4000);
    return true;
  });
  assert.equal(log.lastSeq, 0);
  assert.equal((await log.append({ decision: 'deny', reason: 'small' })).seq, 1);
  await log.close();
});
