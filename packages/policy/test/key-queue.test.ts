import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setImmediate as tick } from 'node:timers/promises';
import { openKmsError } from '@openkms/core';
import { KeyQueue } from '../src/index.js';

/** A task that runs until `open()` is called; records when it started. */
function gate(log: string[], name: string) {
  let open!: () => void;
  const done = new Promise<void>((r) => (open = r));
  return {
    open: () => open(),
    task: async () => {
      log.push(`start ${name}`);
      await done;
      log.push(`end ${name}`);
      return name;
    },
  };
}

test('tasks of one key run one at a time, in arrival order', async () => {
  const q = new KeyQueue();
  const log: string[] = [];
  let running = 0;
  let most = 0;
  const results = await Promise.all(
    Array.from({ length: 20 }, (_, i) =>
      q.run('k', async () => {
        running++;
        most = Math.max(most, running);
        log.push(String(i));
        for (let t = 0; t < 1 + (i % 3); t++) await tick();
        running--;
        return i;
      }),
    ),
  );
  assert.deepEqual(
    results,
    Array.from({ length: 20 }, (_, i) => i),
  );
  assert.deepEqual(
    log,
    Array.from({ length: 20 }, (_, i) => String(i)),
  );
  assert.equal(most, 1);
  assert.equal(q.busyKeys, 0, 'an idle key leaves no lane behind');
});

test('a stalled task of one key does not hold up another key', async () => {
  const q = new KeyQueue();
  const log: string[] = [];
  const a = gate(log, 'a');
  const first = q.run('A', a.task);
  const queued = q.run('A', async () => 'a2');
  assert.equal(await q.run('B', async () => 'b'), 'b', 'key B runs while key A is stalled');
  assert.equal(q.waiting('A'), 1);
  a.open();
  assert.equal(await first, 'a');
  assert.equal(await queued, 'a2');
});

test('a waiter whose deadline passes leaves with deadline_exceeded; the queue goes on', async () => {
  const q = new KeyQueue();
  const log: string[] = [];
  const a = gate(log, 'a');
  const first = q.run('k', a.task);
  let ranLate = false;
  const late = q.run(
    'k',
    async () => {
      ranLate = true;
    },
    Date.now() + 30,
  );
  const patient = q.run('k', async () => 'patient');
  await assert.rejects(late, (e: any) => e.code === 'deadline_exceeded');
  assert.equal(q.waiting('k'), 1, 'the expired waiter left the queue');
  await assert.rejects(
    q.run('k', async () => 'x', Date.now() - 1),
    (e: any) => e.code === 'deadline_exceeded',
  );
  a.open();
  assert.equal(await first, 'a');
  assert.equal(await patient, 'patient');
  assert.equal(ranLate, false, 'a task that gave up never runs');
  assert.equal(q.busyKeys, 0);
});

test('a shared error fails every waiter at once; later arrivals run; other errors stay with their task', async () => {
  const fault = openKmsError('state_unavailable', 'down', {});
  const q = new KeyQueue({ shareError: (e) => e === fault });
  const log: string[] = [];
  const a = gate(log, 'a');
  const first = q.run('k', async () => {
    await a.task();
    throw fault;
  });
  const waiters = Array.from({ length: 5 }, (_, i) => q.run('k', async () => i));
  a.open();
  await assert.rejects(first, (e) => e === fault);
  for (const w of waiters) await assert.rejects(w, (e) => e === fault);
  assert.equal(await q.run('k', async () => 'again'), 'again');

  const other = new Error('not shared');
  const b = gate(log, 'b');
  const failing = q.run('k', async () => {
    await b.task();
    throw other;
  });
  const behind = q.run('k', async () => 'behind');
  b.open();
  await assert.rejects(failing, (e) => e === other);
  assert.equal(await behind, 'behind');
});

test('beyond maxWaiting a new task is refused with overloaded', async () => {
  const q = new KeyQueue({ maxWaiting: 2 });
  const log: string[] = [];
  const a = gate(log, 'a');
  const first = q.run('k', a.task);
  const w = [q.run('k', async () => 1), q.run('k', async () => 2)];
  await assert.rejects(
    q.run('k', async () => 3),
    (e: any) => e.code === 'overloaded',
  );
  a.open();
  await first;
  assert.deepEqual(await Promise.all(w), [1, 2]);
});
