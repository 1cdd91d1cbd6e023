import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryReplayStore } from './memory-replay-store.js';
import { ReplayCache } from './replay-cache.js';

const soon = () => Date.now() + 5000;

test('memory replay store: one claim at a time; waiters replay a completed claim, one takes over an abandoned one', async () => {
  const store = new MemoryReplayStore(new ReplayCache(10, 60_000));
  const first = await store.join('k', 'h', soon());
  assert.ok(first.claim);
  const waiters = [store.join('k', 'h', soon()), store.join('k', 'h', soon())];
  await first.claim.abandon();
  const [w1, w2] = [await waiters[0]!, waiters[1]!];
  assert.ok(w1.claim, 'the first waiter takes the claim over');
  await w1.claim.complete({ body: { signature: 's' }, signatureSha256: 'x' });
  assert.deepEqual((await w2).cached, { body: { signature: 's' }, signatureSha256: 'x' });
  await first.claim.complete({ body: { signature: 'late' }, signatureSha256: 'y' });
  assert.equal((await store.get('k', 'h'))?.signatureSha256, 'x', 'a claim given up does not write afterwards');
});

test('memory replay store: a waiter gives up at its deadline', async () => {
  const store = new MemoryReplayStore(new ReplayCache(10, 60_000));
  const held = await store.join('k', 'h', soon());
  await assert.rejects(store.join('k', 'h', Date.now() + 50), (e: any) => e.code === 'deadline_exceeded');
  await held.claim!.abandon();
});
