import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SessionSlots } from './session-slots.js';

function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((r) => (open = r));
  return { promise, open };
}

test('runs up to capacity tasks at once, the rest in FIFO order', async () => {
  const slots = new SessionSlots(2);
  const gates = [gate(), gate(), gate(), gate()];
  const started: number[] = [];
  const runs = gates.map((g, i) => slots.run(async () => (started.push(i), await g.promise, i)));
  await Promise.resolve();
  assert.deepEqual(started, [0, 1]);
  assert.equal(slots.active, 2);
  assert.equal(slots.depth, 4);
  gates[1]!.open();
  await runs[1];
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(started, [0, 1, 2]);
  for (const g of gates) g.open();
  assert.deepEqual(await Promise.all(runs), [0, 1, 2, 3]);
  assert.equal(slots.depth, 0);
  assert.equal(slots.runningSince, undefined);
});

test('an exclusive task waits for running tasks and runs alone; later tasks wait for it', async () => {
  const slots = new SessionSlots(3);
  const g = gate();
  const log: string[] = [];
  const a = slots.run(async () => (await g.promise, log.push('a')));
  const x = slots.runExclusive(async () => {
    assert.equal(slots.active, 3);
    log.push('x');
  });
  const b = slots.run(async () => log.push('b'));
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(log, []);
  g.open();
  await Promise.all([a, x, b]);
  assert.deepEqual(log, ['a', 'x', 'b']);
});

test('a failing task frees its slot and rejects its caller', async () => {
  const slots = new SessionSlots(1);
  await assert.rejects(
    slots.run(async () => {
      throw new Error('boom');
    }),
    /boom/,
  );
  await assert.rejects(
    slots.run(() => {
      throw new Error('sync boom');
    }),
    /sync boom/,
  );
  assert.equal(await slots.run(async () => 7), 7);
  assert.equal(slots.depth, 0);
});

test('stalledSince: from the oldest running task, moved on by every task that ends', async () => {
  const slots = new SessionSlots(2);
  assert.equal(slots.stalledSince, undefined);
  const a = gate();
  const b = gate();
  const ra = slots.run(() => a.promise);
  const first = slots.stalledSince!;
  assert.ok(first > 0);
  await new Promise((r) => setTimeout(r, 5));
  const rb = slots.run(() => b.promise);
  assert.equal(slots.stalledSince, first); // a later start does not hide a stuck older task
  a.open();
  await ra;
  assert.ok(slots.stalledSince! > first); // an answer is progress
  b.open();
  await rb;
  assert.equal(slots.stalledSince, undefined);
});
