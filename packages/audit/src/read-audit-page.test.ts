import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openAuditLog } from './audit-log.js';
import { listAuditFiles } from './audit-file-names.js';
import { readAuditPage } from './read-audit-page.js';
import { OTHER_KEY, TEST_KEY, allowRecord, tempDir, testClock } from './test-fixtures.js';

/** Three days of records, daily rotation: day 1 seq 1-3, day 2 seq 4-6, day 3 seq 7-9 (active); even seqs are denials. */
async function threeDays(): Promise<string> {
  const dir = await tempDir();
  const clock = testClock('2025-03-01T12:00:00.000Z');
  const log = await openAuditLog({ dir, key: TEST_KEY, daily: true, now: clock.now });
  let i = 0;
  for (const day of ['2025-03-01', '2025-03-02', '2025-03-03']) {
    clock.set(`${day}T12:00:00.000Z`);
    for (let k = 0; k < 3; k++) {
      i++;
      await log.append(i % 2 === 0 ? { ...allowRecord(i), decision: 'deny', reason_code: 'per_tx_cap_exceeded' } : allowRecord(i));
    }
  }
  await log.close();
  return dir;
}

test('readAuditPage pages newest first across rotated files, with a cursor, checking MACs and links', async () => {
  const dir = await threeDays();
  const first = await readAuditPage(dir, { limit: 4, key: TEST_KEY });
  assert.deepEqual(
    first.records.map((r) => r.seq),
    [9, 8, 7, 6],
  );
  assert.equal(first.nextBefore, 6);
  assert.equal(first.problem, undefined);
  assert.equal(first.macsChecked, 4);
  assert.equal(first.linked, 3);
  const second = await readAuditPage(dir, { limit: 4, before: first.nextBefore, key: TEST_KEY });
  assert.deepEqual(
    second.records.map((r) => r.seq),
    [5, 4, 3, 2],
  );
  const last = await readAuditPage(dir, { limit: 4, before: second.nextBefore });
  assert.deepEqual(
    last.records.map((r) => r.seq),
    [1],
  );
  assert.equal(last.nextBefore, undefined);
});

test('a filter returns only matching records; the records in between are still read and linked', async () => {
  const dir = await threeDays();
  const page = await readAuditPage(dir, { limit: 10, match: (r) => r.decision === 'deny', key: TEST_KEY });
  assert.deepEqual(
    page.records.map((r) => r.seq),
    [8, 6, 4, 2],
  );
  assert.equal(page.linked, 8);
  assert.equal(page.problem, undefined);
});

test('rotated files wholly after the cursor are not opened; a torn last line is skipped', async () => {
  const dir = await threeDays();
  const files = await listAuditFiles(dir);
  await writeFile(files[2]!, 'garbage\n');
  const page = await readAuditPage(dir, { limit: 2, before: 7 });
  assert.deepEqual(
    page.records.map((r) => r.seq),
    [6, 5],
  );
  const torn = await threeDays();
  await appendFile(join(torn, 'audit.jsonl'), '{"v":1,"seq":10,"ti');
  assert.deepEqual(
    (await readAuditPage(torn, { limit: 1 })).records.map((r) => r.seq),
    [9],
  );
});

test('an edited record fails its MAC, a removed one breaks the links, a garbage line stops the page: each named', async () => {
  const dir = await threeDays();
  const active = join(dir, 'audit.jsonl');
  const text = await readFile(active, 'utf8');
  await writeFile(active, text.replace('"request_id":"req-8"', '"request_id":"req-X"'));
  const edited = await readAuditPage(dir, { limit: 3, key: TEST_KEY });
  assert.equal(edited.problem?.reason, 'bad_mac');
  assert.equal(edited.problem?.seq, 8);
  assert.equal((await readAuditPage(dir, { limit: 3, key: OTHER_KEY })).problem?.reason, 'bad_mac');

  const gap = await threeDays();
  const lines = (await readFile(join(gap, 'audit.jsonl'), 'utf8')).split('\n');
  await writeFile(join(gap, 'audit.jsonl'), [lines[0], lines[2], ''].join('\n'));
  const gapPage = await readAuditPage(gap, { limit: 5 });
  assert.equal(gapPage.problem?.reason, 'seq_gap');
  assert.equal(gapPage.problem?.seq, 9);

  const garbage = await threeDays();
  const g = (await readFile(join(garbage, 'audit.jsonl'), 'utf8')).split('\n');
  await writeFile(join(garbage, 'audit.jsonl'), [g[0], 'not json', g[2], ''].join('\n'));
  const garbagePage = await readAuditPage(garbage, { limit: 5 });
  assert.deepEqual(
    garbagePage.records.map((r) => r.seq),
    [9],
  );
  assert.equal(garbagePage.problem?.reason, 'bad_json');
});

test('a page stops after its scan budget and hands back a cursor', async () => {
  const dir = await threeDays();
  const page = await readAuditPage(dir, { limit: 10, match: () => false, maxScanBytes: 1 });
  assert.deepEqual(page.records, []);
  assert.equal(page.nextBefore, 9);
});
