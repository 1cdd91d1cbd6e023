import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isOpenKmsError } from '@openkms/core';
import { openAuditLog } from './audit-log.js';
import { LOCK_FILE_NAME } from './writer-lock.js';

const key = new Uint8Array(32).fill(7);

test('one writer per audit directory across processes: a live holder refuses, a stale lock is taken over, close releases', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'openkms-lock-'));
  const lock = join(dir, LOCK_FILE_NAME);
  writeFileSync(lock, `${process.ppid}\n`);
  await assert.rejects(openAuditLog({ dir, key }), (e: unknown) => isOpenKmsError(e) && e.code === 'conflict' && e.message.includes(String(process.ppid)));

  writeFileSync(lock, '2147483646\n'); // no such process: a crashed writer's lock
  const log = await openAuditLog({ dir, key });
  assert.ok(existsSync(lock));
  await log.append({ decision: 'admin', action: 'test' }, { durable: true });
  await log.close();
  assert.ok(!existsSync(lock), 'close releases the lock');
  const again = await openAuditLog({ dir, key });
  await again.close();
});
