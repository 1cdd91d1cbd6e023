import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setImmediate as tick } from 'node:timers/promises';
import { openKmsError } from '@openkms/core';
import { KeyQueue, type KeyQueueOutcome } from '../src/index.js';

/** A runner that records its batches and waits for `release()` before answering (each item doubled). */
function held() {
  const batches: string[][] = [];
  let running = 0;
  let most = 0;
  let gates: (() => void)[] = [];
  let fault: unknown;
  const run = async (key: string, items: readonly number[]): Promise<KeyQueueOutcome<number>[]> => {
    running++;
    most = Math.max(most, running);
    batches.push(items.map((i) => `${key}${i}`));
    await new Promise<void>((r) => gates.push(r));
    running--;
    if (fault !== undefined) throw fault;
    return items.map((i) => (i < 0 ? { ok: false, error: new Error(`bad ${i}`) } : { ok: true, value: i * 2 }));
  };
  return {
    run,
    batches,
    get most() {
      return most;
    },
    fail(err: unknown) {
      fault = err;
    },
    release() {
      const g = gates;
      gates = [];
      for (const f of g) f();
    },
  };
}

async function drain(h: ReturnType<typeof held>, until: Promise<unknown>) {
  let done = false;
  void until.finally(() => (done = true)).catch(() => undefined);
  for (let i = 0; !done && i < 1000; i++) {
    h.release();
    await tick();
  }
}

test('one batch at a time per key, in arrival order: the first runs alone, the ones arriving meanwhile form the next', async () => {
  const h = held();
  const q = new KeyQueue(h.run, { maxBatch: 8 });
  const all = Promise.all(Array.from({ length: 20 }, (_, i) => q.submit('k', i)));
  assert.equal(q.waiting('k'), 19);
  await drain(h, all);
  assert.deepEqual(
    await all,
    Array.from({ length: 20 }, (_, i) => i * 2),
  );
  assert.deepEqual(
    h.batches.map((b) => b.length),
    [1, 8, 8, 3],
  );
  assert.deepEqual(
    h.batches.flat(),
    Array.from({ length: 20 }, (_, i) => `k${i}`),
  );
  assert.equal(h.most, 1, 'never two batches of a key at once');
  assert.equal(q.busyKeys, 0, 'an idle key leaves no lane behind');
});

test('maxBatch 1: one item at a time', async () => {
  const h = held();
  const q = new KeyQueue(h.run);
  const all = Promise.all(Array.from({ length: 5 }, (_, i) => q.submit('k', i)));
  await drain(h, all);
  assert.deepEqual(
    h.batches.map((b) => b.length),
    [1, 1, 1, 1, 1],
  );
});

test('a stalled batch of one key does not hold up another key', async () => {
  const stalled = held();
  const q = new KeyQueue<number, number>((key, items) => (key === 'A' ? stalled.run(key, items) : Promise.resolve(items.map((i) => ({ ok: true, value: i })))));
  const a = q.submit('A', 1);
  const a2 = q.submit('A', 2);
  assert.equal(await q.submit('B', 3), 3, 'key B runs while key A is stalled');
  assert.equal(q.waiting('A'), 1);
  await drain(stalled, Promise.all([a, a2]));
  assert.deepEqual(await Promise.all([a, a2]), [2, 4]);
});

test('an item whose deadline passes before its batch leaves with deadline_exceeded and is never run', async () => {
  const h = held();
  const q = new KeyQueue(h.run, { maxBatch: 8 });
  const first = q.submit('k', 1);
  const late = q.submit('k', 2, Date.now() + 30);
  const patient = q.submit('k', 3);
  await assert.rejects(late, (e: any) => e.code === 'deadline_exceeded');
  assert.equal(q.waiting('k'), 1, 'the expired item left the queue');
  await assert.rejects(q.submit('k', 4, Date.now() - 1), (e: any) => e.code === 'deadline_exceeded');
  await drain(h, Promise.all([first, patient]));
  assert.equal(await first, 2);
  assert.equal(await patient, 6);
  assert.deepEqual(h.batches, [['k1'], ['k3']]);
  assert.equal(q.busyKeys, 0);
});

test('a batch that fails with a shared error fails the items waiting behind it; later arrivals run; per-item errors stay with their item', async () => {
  const fault = openKmsError('state_unavailable', 'down', {});
  const h = held();
  const q = new KeyQueue(h.run, { maxBatch: 2, shareError: (e) => e === fault });
  h.fail(fault);
  const first = q.submit('k', 1);
  const waiters = Array.from({ length: 5 }, (_, i) => q.submit('k', i));
  first.catch(() => undefined);
  waiters.forEach((w) => w.catch(() => undefined));
  await drain(h, first);
  await assert.rejects(first, (e) => e === fault);
  for (const w of waiters) await assert.rejects(w, (e) => e === fault);
  assert.equal(h.batches.length, 1, 'the waiters were not run');

  h.fail(undefined);
  const mixed = [q.submit('k', 5), q.submit('k', -1), q.submit('k', 6)];
  mixed.forEach((w) => w.catch(() => undefined));
  await drain(h, Promise.allSettled(mixed));
  assert.equal(await mixed[0], 10);
  await assert.rejects(mixed[1]!, /bad -1/);
  assert.equal(await mixed[2], 12);

  const other = new Error('not shared');
  h.fail(other);
  const failing = q.submit('k', 7);
  const behind = q.submit('k', 8);
  failing.catch(() => undefined);
  behind.catch(() => undefined);
  await drain(h, failing);
  await assert.rejects(failing, (e) => e === other);
  h.fail(undefined);
  await drain(h, behind);
  assert.equal(await behind, 16, 'an error that is not shared stays with its batch');
});

test('beyond maxWaiting a new item is refused with overloaded', async () => {
  const h = held();
  const q = new KeyQueue(h.run, { maxWaiting: 2, maxBatch: 8 });
  const first = q.submit('k', 1);
  const w = [q.submit('k', 2), q.submit('k', 3)];
  await assert.rejects(q.submit('k', 4), (e: any) => e.code === 'overloaded');
  await drain(h, Promise.all([first, ...w]));
  assert.deepEqual(await Promise.all(w), [4, 6]);
});
