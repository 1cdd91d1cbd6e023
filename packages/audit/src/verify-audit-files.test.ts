import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { listAuditFiles } from './audit-file-names.js';
import { openAuditLog } from './audit-log.js';
import { type AuditRecord } from './audit-record.js';
import { computeRecordMac } from './record-mac.js';
import { formatVerifyReport, verifyAuditDir, verifyAuditFiles } from './verify-audit-files.js';
import { OTHER_KEY, TEST_KEY, allowRecord, tempDir, testClock } from './test-fixtures.js';

/** A log of `n` records in one file; returns the file and its lines (without newlines). */
async function makeLog(n: number): Promise<{ dir: string; file: string; lines: string[] }> {
  const dir = await tempDir();
  const log = await openAuditLog({ dir, key: TEST_KEY, now: testClock().now });
  for (let i = 1; i <= n; i++) await log.append(allowRecord(i));
  await log.close();
  const file = join(dir, 'audit.jsonl');
  const lines = (await readFile(file, 'utf8')).split('\n').slice(0, -1);
  assert.equal(lines.length, n);
  return { dir, file, lines };
}

async function rewrite(file: string, lines: string[], trailingNewline = true): Promise<void> {
  await writeFile(file, lines.join('\n') + (trailingNewline ? '\n' : ''));
}

test('an intact log verifies, and the report formats', async () => {
  const { dir, file } = await makeLog(5);
  const report = await verifyAuditFiles([file], TEST_KEY);
  assert.deepEqual(await verifyAuditDir(dir, TEST_KEY), report);
  assert.equal(report.ok, true);
  assert.equal(report.records, 5);
  assert.equal(formatVerifyReport(report), 'audit log OK: 5 records in 1 file (seq 1..5)');
  assert.equal(formatVerifyReport(await verifyAuditFiles([], TEST_KEY)), 'audit log OK: 0 records in 0 files');
});

test('an edited field is reported as bad_mac on its line', async () => {
  const { file, lines } = await makeLog(6);
  const rec = JSON.parse(lines[3]!) as Record<string, unknown>;
  (rec.intent as { transfers: { amount: string }[] }).transfers[0]!.amount = '999999999';
  lines[3] = JSON.stringify(rec);
  await rewrite(file, lines);
  const report = await verifyAuditFiles([file], TEST_KEY);
  assert.equal(report.ok, false);
  assert.equal(report.records, 3);
  assert.deepEqual(report.firstError, { file, line: 4, seq: 4, reason: 'bad_mac', message: report.firstError!.message });
  assert.match(formatVerifyReport(report), new RegExp(`BROKEN at ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:4 seq 4: bad_mac`));
});

test('a deleted line is reported at the line where the gap shows', async () => {
  const { file, lines } = await makeLog(6);
  lines.splice(2, 1); // delete seq 3 (line 3)
  await rewrite(file, lines);
  const report = await verifyAuditFiles([file], TEST_KEY);
  assert.equal(report.ok, false);
  assert.equal(report.firstError?.line, 3);
  assert.equal(report.firstError?.seq, 4);
  assert.equal(report.firstError?.reason, 'seq_gap');
});

test('a deleted first line is caught by the genesis anchor (and accepted with from: any)', async () => {
  const { file, lines } = await makeLog(4);
  const first = JSON.parse(lines[0]!) as AuditRecord;
  await rewrite(file, lines.slice(1));
  const report = await verifyAuditFiles([file], TEST_KEY);
  assert.equal(report.firstError?.line, 1);
  assert.equal(report.firstError?.reason, 'seq_gap');
  assert.equal((await verifyAuditFiles([file], TEST_KEY, { from: 'any' })).ok, true);
  assert.equal((await verifyAuditFiles([file], TEST_KEY, { from: { seq: 1, mac: first.mac } })).ok, true);
  const wrongAnchor = await verifyAuditFiles([file], TEST_KEY, { from: { seq: 1, mac: 'f'.repeat(64) } });
  assert.equal(wrongAnchor.firstError?.reason, 'broken_link');
});

test('two swapped lines are reported at the first of them', async () => {
  const { file, lines } = await makeLog(6);
  [lines[2], lines[3]] = [lines[3]!, lines[2]!];
  await rewrite(file, lines);
  const report = await verifyAuditFiles([file], TEST_KEY);
  assert.equal(report.firstError?.line, 3);
  assert.equal(report.firstError?.seq, 4);
  assert.equal(report.firstError?.reason, 'seq_gap');
  assert.equal(report.records, 2);
});

test('a truncated tail (partial last line) is reported as truncated on that line', async () => {
  const { file, lines } = await makeLog(5);
  lines[4] = lines[4]!.slice(0, 40);
  await rewrite(file, lines, false);
  const report = await verifyAuditFiles([file], TEST_KEY);
  assert.equal(report.firstError?.line, 5);
  assert.equal(report.firstError?.reason, 'truncated');
  assert.equal(report.records, 4);
  // a complete last record with only its newline missing is still a torn write
  const { file: f2, lines: l2 } = await makeLog(2);
  await rewrite(f2, l2, false);
  assert.equal((await verifyAuditFiles([f2], TEST_KEY)).firstError?.reason, 'truncated');
});

test('a record written with another key is reported as bad_mac, even with correct linkage', async () => {
  const { file, lines } = await makeLog(5);
  const prev = JSON.parse(lines[1]!) as AuditRecord;
  const forged: Record<string, unknown> = { v: 1, seq: 3, time: '2025-03-01T10:00:00.002Z', decision: 'allow', label: 'hot-wallet', prev_mac: prev.mac };
  forged.mac = computeRecordMac(OTHER_KEY, forged);
  lines[2] = JSON.stringify(forged);
  await rewrite(file, lines);
  const report = await verifyAuditFiles([file], TEST_KEY);
  assert.equal(report.firstError?.line, 3);
  assert.equal(report.firstError?.reason, 'bad_mac');
  // a whole log written with another key fails on line 1
  assert.equal((await verifyAuditFiles([file], OTHER_KEY)).firstError?.line, 1);
});

test('a relinked record (valid MAC, wrong prev_mac) is a broken_link', async () => {
  const { file, lines } = await makeLog(4);
  const rec = JSON.parse(lines[2]!) as Record<string, unknown>;
  rec.prev_mac = 'a'.repeat(64);
  delete rec.mac;
  rec.mac = computeRecordMac(TEST_KEY, rec); // someone holding the key re-MACs one record only
  lines[2] = JSON.stringify(rec);
  await rewrite(file, lines);
  const report = await verifyAuditFiles([file], TEST_KEY);
  assert.equal(report.firstError?.line, 3);
  assert.equal(report.firstError?.reason, 'broken_link');
});

test('garbage and malformed records: bad_json and bad_record', async () => {
  const { file, lines } = await makeLog(3);
  await rewrite(file, [lines[0]!, '{not json', lines[1]!]);
  assert.deepEqual((({ line, reason }) => ({ line, reason }))((await verifyAuditFiles([file], TEST_KEY)).firstError!), { line: 2, reason: 'bad_json' });
  await rewrite(file, [lines[0]!, '', lines[1]!]);
  assert.equal((await verifyAuditFiles([file], TEST_KEY)).firstError?.reason, 'bad_json');
  const noSeq = JSON.parse(lines[1]!) as Record<string, unknown>;
  delete noSeq.seq;
  await rewrite(file, [lines[0]!, JSON.stringify(noSeq)]);
  const r = await verifyAuditFiles([file], TEST_KEY);
  assert.equal(r.firstError?.reason, 'bad_record');
  assert.equal(r.firstError?.line, 2);
});

test('across rotated files: a deleted file and a missing file are reported', async () => {
  const dir = await tempDir();
  const log = await openAuditLog({ dir, key: TEST_KEY, maxBytes: 1500, now: testClock().now });
  for (let i = 0; i < 12; i++) await log.append(allowRecord(i));
  await log.close();
  const files = await listAuditFiles(dir);
  assert.ok(files.length >= 3);
  assert.equal((await verifyAuditFiles(files, TEST_KEY)).ok, true);
  const withoutSecond = files.filter((_, i) => i !== 1);
  const report = await verifyAuditFiles(withoutSecond, TEST_KEY);
  assert.equal(report.firstError?.file, files[2]);
  assert.equal(report.firstError?.line, 1);
  assert.equal(report.firstError?.reason, 'seq_gap');
  await rm(files[1]!);
  const missing = await verifyAuditFiles(files, TEST_KEY);
  assert.equal(missing.firstError?.reason, 'unreadable');
  assert.equal(missing.firstError?.file, files[1]);
});

test('verification after appending garbage to a rotated file names that file', async () => {
  const dir = await tempDir();
  const log = await openAuditLog({ dir, key: TEST_KEY, maxBytes: 1500, now: testClock().now });
  for (let i = 0; i < 8; i++) await log.append(allowRecord(i));
  await log.close();
  const files = await listAuditFiles(dir);
  const lineCount = (await readFile(files[0]!, 'utf8')).split('\n').length - 1;
  await appendFile(files[0]!, '{"v":1}\n');
  const report = await verifyAuditFiles(files, TEST_KEY);
  assert.equal(report.firstError?.file, files[0]);
  assert.equal(report.firstError?.line, lineCount + 1);
});
