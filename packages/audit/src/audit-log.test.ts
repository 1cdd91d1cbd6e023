import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, readdir, readFile, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isOpenKmsError } from '@openkms/core';
import { runUnprivileged } from '@openkms/tooling/test-helpers';
import { GENESIS_MAC, type AuditRecord } from './audit-record.js';
import { listAuditFiles, parseRotatedFileName } from './audit-file-names.js';
import { openAuditLog, type AuditWriteInfo } from './audit-log.js';
import { recordMacMatches } from './record-mac.js';
import { verifyAuditFiles } from './verify-audit-files.js';
import { OTHER_KEY, TEST_KEY, allowRecord, tempDir, testClock } from './test-fixtures.js';

async function readLines(path: string): Promise<AuditRecord[]> {
  const text = await readFile(path, 'utf8');
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as AuditRecord);
}

async function verifyDir(dir: string) {
  return verifyAuditFiles(await listAuditFiles(dir), TEST_KEY);
}

const isCode = (code: string) => (err: unknown) => isOpenKmsError(err) && err.code === code;

test('append writes one JSON record per line with assigned v/seq/time/prev_mac/mac, and verifies', async () => {
  const dir = await tempDir();
  const clock = testClock();
  const log = await openAuditLog({ dir, key: TEST_KEY, now: clock.now });
  assert.equal(log.lastSeq, 0);
  assert.equal(log.lastMac, GENESIS_MAC);
  const r1 = await log.append(allowRecord(1), { durable: true });
  const r2 = await log.append({ decision: 'admin', action: 'kill_switch', details: { enabled: true, by: 'ops' }, token_name: 'admin' });
  const r3 = await log.append({ decision: 'deny', label: 'hot-wallet', reason_code: 'per_tx_cap_exceeded', rules: [{ rule: 'per_tx_cap', verdict: 'deny' }] });
  await log.close();

  assert.equal(r1.v, 1);
  assert.deepEqual([r1.seq, r2.seq, r3.seq], [1, 2, 3]);
  assert.equal(r1.prev_mac, GENESIS_MAC);
  assert.equal(r2.prev_mac, r1.mac);
  assert.equal(r3.prev_mac, r2.mac);
  assert.equal(r1.time, '2025-03-01T10:00:00.000Z');
  assert.equal(log.lastSeq, 3);
  assert.equal(log.state, 'closed');

  const lines = (await readFile(log.activeFile, 'utf8')).split('\n');
  assert.equal(lines.length, 4);
  assert.equal(lines[3], '');
  const stored = lines.slice(0, 3).map((l) => JSON.parse(l) as AuditRecord);
  assert.deepEqual(stored, [r1, r2, r3]);
  // members in the documented order, mac last
  assert.deepEqual(Object.keys(stored[0]!).slice(0, 4), ['v', 'seq', 'time', 'request_id']);
  assert.deepEqual(Object.keys(stored[0]!).slice(-2), ['prev_mac', 'mac']);
  assert.equal(stored[0]!.intent?.transfers[0]?.amount, '1001');
  assert.ok(recordMacMatches(TEST_KEY, stored[1]!));
  assert.equal((await stat(log.activeFile)).mode & 0o777, 0o600);

  const report = await verifyDir(dir);
  assert.deepEqual(report, { ok: true, records: 3, files: 1, firstSeq: 1, lastSeq: 3, lastMac: r3.mac });
});

test('the chain continues across close and reopen', async () => {
  const dir = await tempDir();
  const clock = testClock();
  let log = await openAuditLog({ dir, key: TEST_KEY, now: clock.now });
  for (let i = 0; i < 3; i++) await log.append(allowRecord(i));
  const last = await log.append(allowRecord(3), { durable: true });
  await log.close();

  log = await openAuditLog({ dir, key: TEST_KEY, now: clock.now });
  assert.equal(log.lastSeq, 4);
  assert.equal(log.lastMac, last.mac);
  const next = await log.append(allowRecord(4), { durable: true });
  assert.equal(next.seq, 5);
  assert.equal(next.prev_mac, last.mac);
  await log.close();
  // an empty reopen/close cycle changes nothing
  await (await openAuditLog({ dir, key: TEST_KEY, now: clock.now })).close();
  assert.deepEqual(await verifyDir(dir), { ok: true, records: 5, files: 1, firstSeq: 1, lastSeq: 5, lastMac: next.mac });
});

test('size rotation: files stay under maxBytes, names sort chronologically and the chain spans them', async () => {
  const dir = await tempDir();
  const clock = testClock();
  const maxBytes = 2500;
  let log = await openAuditLog({ dir, key: TEST_KEY, maxBytes, now: clock.now });
  const records: AuditRecord[] = [];
  for (let i = 0; i < 20; i++) records.push(await log.append(allowRecord(i), { durable: i % 3 === 0 }));
  await log.close();
  // reopen and keep going: rotation accounting resumes from the active file's size
  log = await openAuditLog({ dir, key: TEST_KEY, maxBytes, now: clock.now });
  for (let i = 20; i < 30; i++) records.push(await log.append(allowRecord(i)));
  assert.ok(log.stats.rotations >= 1);
  await log.close();

  const files = await listAuditFiles(dir);
  assert.ok(files.length >= 5, `expected several files, got ${files.length}`);
  assert.equal(files[files.length - 1], join(dir, 'audit.jsonl'));
  let seen: AuditRecord[] = [];
  let prevName = '';
  for (const file of files) {
    const st = await stat(file);
    assert.ok(st.size <= maxBytes, `${file} has ${st.size} bytes`);
    assert.equal(st.mode & 0o777, 0o600);
    const recs = await readLines(file);
    assert.ok(recs.length > 0);
    const name = file.slice(dir.length + 1);
    const parsed = parseRotatedFileName(name);
    if (name !== 'audit.jsonl') {
      assert.ok(parsed, name);
      assert.ok(name > prevName);
      prevName = name;
      assert.equal(parsed.lastSeq, recs[recs.length - 1]!.seq);
      assert.equal(parsed.lastTime.toISOString(), recs[recs.length - 1]!.time);
    }
    seen = seen.concat(recs);
  }
  assert.deepEqual(seen, records);
  assert.deepEqual(
    seen.map((r) => r.seq),
    Array.from({ length: 30 }, (_, i) => i + 1),
  );
  const report = await verifyDir(dir);
  assert.equal(report.ok, true);
  assert.equal(report.records, 30);
});

test('a record bigger than maxBytes gets a file of its own', async () => {
  const dir = await tempDir();
  const log = await openAuditLog({ dir, key: TEST_KEY, maxBytes: 300, now: testClock().now });
  await log.append({ decision: 'deny', reason: 'x'.repeat(50) });
  await log.append({ decision: 'deny', reason: 'y'.repeat(1000) });
  await log.append({ decision: 'deny', reason: 'z' });
  await log.close();
  const files = await listAuditFiles(dir);
  assert.deepEqual(await Promise.all(files.map(async (f) => (await readLines(f)).length)), [1, 1, 1]);
  assert.equal((await verifyDir(dir)).ok, true);
});

test('daily rotation at the UTC day boundary (injected clock), across a reopen too', async () => {
  const dir = await tempDir();
  const clock = testClock('2025-03-01T23:59:59.990Z');
  let log = await openAuditLog({ dir, key: TEST_KEY, daily: true, now: clock.now });
  await log.append(allowRecord(1));
  await log.append(allowRecord(2));
  clock.set('2025-03-02T00:00:00.005Z');
  await log.append(allowRecord(3));
  await log.append(allowRecord(4));
  clock.set('2025-03-02T23:00:00.000Z');
  await log.append(allowRecord(5));
  await log.close();
  clock.set('2025-03-04T08:00:00.000Z');
  log = await openAuditLog({ dir, key: TEST_KEY, daily: true, now: clock.now });
  const r6 = await log.append(allowRecord(6), { durable: true });
  await log.close();
  assert.equal(r6.seq, 6);

  const names = (await listAuditFiles(dir)).map((f) => f.slice(dir.length + 1));
  assert.deepEqual(names, ['audit-20250301-235959991-0000000000000002.jsonl', 'audit-20250302-230000000-0000000000000005.jsonl', 'audit.jsonl']);
  const perFile = await Promise.all((await listAuditFiles(dir)).map(async (f) => (await readLines(f)).map((r) => r.seq)));
  assert.deepEqual(perFile, [[1, 2], [3, 4, 5], [6]]);
  assert.equal((await verifyDir(dir)).ok, true);
});

test('rotated names never go backwards when the clock steps back', async () => {
  const dir = await tempDir();
  const clock = testClock('2025-03-01T12:00:00.000Z');
  const log = await openAuditLog({ dir, key: TEST_KEY, maxBytes: 200, now: clock.now });
  await log.append({ decision: 'deny', reason: 'a'.repeat(120) });
  await log.append({ decision: 'deny', reason: 'b'.repeat(120) });
  clock.set('2025-03-01T11:00:00.000Z');
  await log.append({ decision: 'deny', reason: 'c'.repeat(120) });
  await log.append({ decision: 'deny', reason: 'd'.repeat(120) });
  await log.close();
  const files = await listAuditFiles(dir);
  const seqs = await Promise.all(files.map(async (f) => (await readLines(f)).map((r) => r.seq)));
  assert.deepEqual(seqs, [[1], [2], [3], [4]]);
  assert.equal((await verifyDir(dir)).ok, true);
});

test('200 concurrent durable appends: call order = file order, valid chain, group commit', async () => {
  const dir = await tempDir();
  const writes: AuditWriteInfo[] = [];
  const log = await openAuditLog({ dir, key: TEST_KEY, onWrite: (w) => writes.push(w) });
  const results = await Promise.all(Array.from({ length: 200 }, (_, i) => log.append(allowRecord(i), { durable: true })));
  results.forEach((r, i) => {
    assert.equal(r.seq, i + 1);
    assert.equal(r.request_id, `req-${i}`);
  });
  const fsyncs = writes.filter((w) => w.synced).length;
  assert.equal(
    writes.reduce((n, w) => n + w.records, 0),
    200,
  );
  assert.ok(fsyncs >= 1 && fsyncs <= 10, `expected group commit, got ${fsyncs} fsyncs for 200 records`);
  assert.equal(log.stats.fsyncs, fsyncs);
  await log.close();
  const stored = await readLines(log.activeFile);
  assert.deepEqual(
    stored.map((r) => r.request_id),
    results.map((r) => r.request_id),
  );
  const report = await verifyDir(dir);
  assert.equal(report.ok, true);
  assert.equal(report.records, 200);
});

test('records that arrive while an fsync is in flight are committed together by one write and one fsync', async () => {
  const dir = await tempDir();
  const writes: AuditWriteInfo[] = [];
  let releaseSync: (() => void) | undefined;
  let syncEntered!: () => void;
  const firstSyncStarted = new Promise<void>((r) => (syncEntered = r));
  let syncCalls = 0;
  const log = await openAuditLog({
    dir,
    key: TEST_KEY,
    onWrite: (w) => writes.push(w),
    io: {
      async sync(fh) {
        syncCalls++;
        if (syncCalls === 1) {
          const gate = new Promise<void>((r) => (releaseSync = r));
          syncEntered();
          await gate;
        }
        await fh.datasync();
      },
    },
  });
  const first = log.append(allowRecord(0), { durable: true });
  await firstSyncStarted; // the first fsync is now in flight
  assert.ok(releaseSync);
  let firstDone = false;
  void first.then(() => (firstDone = true));
  const rest = Array.from({ length: 50 }, (_, i) => log.append(allowRecord(i + 1), { durable: true }));
  await new Promise((r) => setImmediate(r));
  assert.equal(firstDone, false, 'a durable append must not resolve before its fsync');
  releaseSync();
  await Promise.all([first, ...rest]);
  assert.deepEqual(
    writes.map((w) => [w.records, w.synced]),
    [
      [1, true],
      [50, true],
    ],
  );
  assert.equal(syncCalls, 2);
  await log.close();
  assert.equal((await verifyDir(dir)).records, 51);
});

test('non-durable appends resolve after the write without an fsync; flush fsyncs them', async () => {
  const dir = await tempDir();
  const writes: AuditWriteInfo[] = [];
  const log = await openAuditLog({ dir, key: TEST_KEY, onWrite: (w) => writes.push(w) });
  await Promise.all([log.append(allowRecord(1)), log.append(allowRecord(2))]);
  assert.deepEqual(writes, [{ records: 2, bytes: writes[0]!.bytes, fsyncMs: 0, synced: false }]);
  assert.equal((await readLines(log.activeFile)).length, 2);
  await log.flush();
  assert.equal(writes.length, 2);
  assert.equal(writes[1]!.synced, true);
  assert.equal(writes[1]!.records, 0);
  await log.flush(); // nothing new: no fsync
  assert.equal(log.stats.fsyncs, 1);
  await log.close();
});

test('a failing write rejects with audit_write_failed and the log then fails closed until reopened', async () => {
  const dir = await tempDir();
  let failWrites = false;
  const log = await openAuditLog({
    dir,
    key: TEST_KEY,
    io: {
      async write(fh, data) {
        if (failWrites) throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
        await fh.write(data);
      },
    },
  });
  await log.append(allowRecord(1), { durable: true });
  failWrites = true;
  const pending = [log.append(allowRecord(2), { durable: true }), log.append(allowRecord(3)), log.append(allowRecord(4), { durable: true })];
  for (const p of pending) {
    await assert.rejects(p, (err: unknown) => {
      assert.ok(isOpenKmsError(err));
      assert.equal(err.code, 'audit_write_failed');
      assert.equal(err.context.errno, 'ENOSPC');
      return true;
    });
  }
  assert.equal(log.state, 'failed');
  failWrites = false; // even once the disk recovers, the log stays closed
  await assert.rejects(log.append(allowRecord(5), { durable: true }), isCode('audit_write_failed'));
  await assert.rejects(log.flush(), isCode('audit_write_failed'));
  await log.close();

  const reopened = await openAuditLog({ dir, key: TEST_KEY });
  assert.equal(reopened.lastSeq, 1);
  const r = await reopened.append(allowRecord(6), { durable: true });
  assert.equal(r.seq, 2);
  await reopened.close();
  assert.equal((await verifyDir(dir)).ok, true);
});

test('a failing fsync rejects durable appends (audit_write_failed) and fails the log', async () => {
  const dir = await tempDir();
  const log = await openAuditLog({
    dir,
    key: TEST_KEY,
    io: {
      sync: () => Promise.reject(Object.assign(new Error('I/O error'), { code: 'EIO' })),
    },
  });
  const nonDurable = log.append(allowRecord(1));
  const durable = log.append(allowRecord(2), { durable: true });
  assert.equal((await nonDurable).seq, 1); // resolved after its write, before the fsync failed
  await assert.rejects(durable, (err: unknown) => isOpenKmsError(err) && err.code === 'audit_write_failed' && err.context.op === 'fsync');
  await assert.rejects(log.append(allowRecord(3)), isCode('audit_write_failed'));
  await log.close();
});

test('a real filesystem error (read-only directory blocks rotation) fails the log', (t) =>
  // root ignores the directory's mode: as root this runs in a child process as nobody
  runUnprivileged(t, import.meta.url, async () => {
    const { chmod } = await import('node:fs/promises');
    const dir = await tempDir();
    const log = await openAuditLog({ dir, key: TEST_KEY, maxBytes: 200 });
    await log.append({ decision: 'deny', reason: 'a'.repeat(150) }, { durable: true });
    await chmod(dir, 0o500);
    try {
      await assert.rejects(log.append({ decision: 'deny', reason: 'b'.repeat(150) }, { durable: true }), isCode('audit_write_failed'));
      await assert.rejects(log.append({ decision: 'deny' }), isCode('audit_write_failed'));
    } finally {
      await chmod(dir, 0o700);
    }
    await log.close();
  }));

test('appending after close rejects; close is idempotent', async () => {
  const dir = await tempDir();
  const log = await openAuditLog({ dir, key: TEST_KEY });
  const p = log.append(allowRecord(1));
  await Promise.all([log.close(), log.close()]);
  assert.equal((await p).seq, 1); // appended before close: written
  await assert.rejects(log.append(allowRecord(2)), isCode('audit_write_failed'));
  assert.equal(log.state, 'closed');
});

test('invalid input is rejected without consuming a seq or breaking the chain', async () => {
  const dir = await tempDir();
  const log = await openAuditLog({ dir, key: TEST_KEY });
  await assert.rejects(log.append({ decision: 'maybe' } as never), isCode('internal_error'));
  await assert.rejects(log.append({ decision: 'allow', latency_ms: Number.NaN }), isCode('internal_error'));
  await assert.rejects(log.append({ decision: 'allow', details: { big: 1n } }), isCode('internal_error'));
  await assert.rejects(log.append({ decision: 'allow', reason: 'x'.repeat(2 * 1024 * 1024) }), isCode('audit_record_too_large'));
  // unknown members are not recorded; the log assigns v/seq/time/prev_mac/mac itself
  const r = await log.append({ decision: 'allow', seq: 99, mac: 'x', secret: 'nope' } as never);
  assert.equal(r.seq, 1);
  assert.equal((r as unknown as Record<string, unknown>).secret, undefined);
  await log.close();
  assert.equal((await verifyDir(dir)).ok, true);
});

test('the same directory cannot be opened twice in one process', async () => {
  const dir = await tempDir();
  const log = await openAuditLog({ dir, key: TEST_KEY });
  await assert.rejects(openAuditLog({ dir: dir + '/.', key: TEST_KEY }), isCode('conflict'));
  await log.close();
  await (await openAuditLog({ dir, key: TEST_KEY })).close();
});

test('open refuses a log whose last record does not verify under the key', async () => {
  const dir = await tempDir();
  const log = await openAuditLog({ dir, key: TEST_KEY });
  await log.append(allowRecord(1));
  await log.close();
  await assert.rejects(openAuditLog({ dir, key: OTHER_KEY }), (err: unknown) => {
    assert.ok(isOpenKmsError(err));
    assert.equal(err.code, 'audit_chain_broken');
    assert.equal(err.context.reason, 'bad_mac');
    return true;
  });
  await assert.rejects(openAuditLog({ dir, key: new Uint8Array(4) }), isCode('config_invalid'));
});

test('torn tail: open refuses with audit_chain_broken, repairTruncatedTail moves it to a .torn file and continues', async () => {
  const dir = await tempDir();
  const clock = testClock();
  let log = await openAuditLog({ dir, key: TEST_KEY, now: clock.now });
  await log.append(allowRecord(1));
  const good = await log.append(allowRecord(2), { durable: true });
  await log.close();
  const active = join(dir, 'audit.jsonl');
  const torn = '{"v":1,"seq":3,"time":"2025-03-01T10:00:0';
  await appendFile(active, torn);

  await assert.rejects(openAuditLog({ dir, key: TEST_KEY, now: clock.now }), (err: unknown) => {
    assert.ok(isOpenKmsError(err));
    assert.equal(err.code, 'audit_chain_broken');
    assert.equal(err.context.file, active);
    assert.equal(err.context.torn_bytes, torn.length);
    return true;
  });
  // refusing changed nothing
  assert.ok((await readFile(active, 'utf8')).endsWith(torn));

  clock.set('2025-03-01T11:00:00.000Z');
  log = await openAuditLog({ dir, key: TEST_KEY, now: clock.now, repairTruncatedTail: true });
  assert.equal(log.lastSeq, 2);
  const next = await log.append(allowRecord(3), { durable: true });
  assert.equal(next.seq, 3);
  assert.equal(next.prev_mac, good.mac);
  await log.close();
  const names = await readdir(dir);
  const tornFile = names.find((n) => n.endsWith('.torn'));
  assert.equal(tornFile, 'audit.jsonl.20250301T110000000Z.torn');
  assert.equal(await readFile(join(dir, tornFile), 'utf8'), torn);
  assert.deepEqual(await listAuditFiles(dir), [active]);
  assert.equal((await verifyDir(dir)).records, 3);
});

test('torn tail that is the whole active file: repair resumes from the newest rotated file', async () => {
  const dir = await tempDir();
  const clock = testClock();
  let log = await openAuditLog({ dir, key: TEST_KEY, maxBytes: 200, now: clock.now });
  await log.append({ decision: 'deny', reason: 'a'.repeat(120) });
  const last = await log.append({ decision: 'deny', reason: 'b'.repeat(120) }, { durable: true });
  await log.close();
  const active = join(dir, 'audit.jsonl');
  // simulate a crash right after rotating (record 2 now in a rotated file), mid-write of the new file's first line
  const { rename } = await import('node:fs/promises');
  const { rotatedFileName } = await import('./audit-file-names.js');
  await rename(active, join(dir, rotatedFileName(new Date(last.time), last.seq)));
  await writeFile(active, '{"v":1,"seq":3');
  await assert.rejects(openAuditLog({ dir, key: TEST_KEY }), isCode('audit_chain_broken'));
  log = await openAuditLog({ dir, key: TEST_KEY, now: clock.now, repairTruncatedTail: true, maxBytes: 200 });
  assert.equal(log.lastSeq, 2);
  assert.equal(log.lastMac, last.mac);
  await log.append({ decision: 'deny', reason: 'c' });
  await log.close();
  assert.equal((await verifyDir(dir)).records, 3);
});

test('a missing active file (crash between rotation steps) resumes from the newest rotated file', async () => {
  const dir = await tempDir();
  const log = await openAuditLog({ dir, key: TEST_KEY, maxBytes: 200 });
  await log.append({ decision: 'deny', reason: 'a'.repeat(120) });
  await log.append({ decision: 'deny', reason: 'b'.repeat(120) });
  await log.close();
  const { rm } = await import('node:fs/promises');
  await truncate(join(dir, 'audit.jsonl'), 0);
  await rm(join(dir, 'audit.jsonl'));
  const again = await openAuditLog({ dir, key: TEST_KEY, maxBytes: 200 });
  assert.equal(again.lastSeq, 1);
  await again.append({ decision: 'deny' });
  await again.close();
  assert.equal((await verifyDir(dir)).records, 2);
});

test('concurrent appends that cross several rotation points keep order and chain', async () => {
  const dir = await tempDir();
  const writes: AuditWriteInfo[] = [];
  const log = await openAuditLog({ dir, key: TEST_KEY, maxBytes: 4000, now: testClock().now, onWrite: (w) => writes.push(w) });
  const results = await Promise.all(Array.from({ length: 60 }, (_, i) => log.append(allowRecord(i), { durable: i % 2 === 0 })));
  await log.close();
  assert.ok(log.stats.rotations >= 10, `rotations: ${log.stats.rotations}`);
  const files = await listAuditFiles(dir);
  assert.equal(files.length, log.stats.rotations + 1);
  const stored: AuditRecord[] = [];
  for (const f of files) stored.push(...(await readLines(f)));
  assert.deepEqual(stored, results);
  assert.equal(
    writes.reduce((n, w) => n + w.records, 0),
    60,
  );
  const report = await verifyDir(dir);
  assert.equal(report.ok, true);
  assert.equal(report.records, 60);
});
