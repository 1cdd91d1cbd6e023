import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NonceManager } from './nonce-manager.js';
import { MemoryNonceStore } from './nonce-store.js';

const KEY = NonceManager.key('local', '0xAbC');

test('concurrent allocations get consecutive nonces; the chain is read once at first use', async () => {
  const m = new NonceManager(new MemoryNonceStore());
  let reads = 0;
  const readChain = async () => {
    reads++;
    await new Promise((r) => setTimeout(r, 5));
    return 7n;
  };
  const got = await Promise.all(Array.from({ length: 20 }, () => m.allocate(KEY, readChain)));
  assert.deepEqual(
    [...got].sort((a, b) => Number(a - b)),
    Array.from({ length: 20 }, (_, i) => 7n + BigInt(i)),
  );
  assert.equal(new Set(got).size, 20);
  const before = reads;
  await m.allocate(KEY, readChain);
  assert.equal(reads, before, 'a fresh key does not read the chain again');
});

test('a released nonce (a send that failed before the node) is handed out again: no gap', async () => {
  const m = new NonceManager(new MemoryNonceStore());
  const readChain = async () => 0n;
  const [a, b, c] = [await m.allocate(KEY, readChain), await m.allocate(KEY, readChain), await m.allocate(KEY, readChain)];
  assert.deepEqual([a, b, c], [0n, 1n, 2n]);
  await m.release(KEY, b);
  assert.equal(await m.allocate(KEY, readChain), 1n, 'the gap is filled first');
  assert.equal(await m.allocate(KEY, readChain), 3n);
  await m.release(KEY, 3n);
  assert.deepEqual(await m.store.peek(KEY), { next: 3n, released: [], leased: [0n, 1n, 2n] }, 'releasing the highest lowers next');
  await m.release(KEY, 9n);
  await m.release(KEY, 1n);
  await m.release(KEY, 1n);
  assert.deepEqual(await m.store.peek(KEY), { next: 3n, released: [1n], leased: [0n, 2n] }, 'above next and duplicates are ignored');
});

test('after "nonce too low" a resync re-reads the chain', async () => {
  const m = new NonceManager(new MemoryNonceStore());
  let chain = 0n;
  const readChain = async () => chain;
  assert.equal(await m.allocate(KEY, readChain), 0n);
  chain = 5n; // another wallet used the account meanwhile
  assert.equal(await m.allocate(KEY, readChain), 1n, 'stale until told');
  await m.resync(KEY);
  assert.equal(await m.allocate(KEY, readChain), 5n);
  assert.equal(await m.allocate(KEY, readChain), 6n);
  await m.release(KEY, 1n);
  assert.deepEqual(
    await m.store.peek(KEY),
    { next: 7n, released: [1n], leased: [5n, 6n] },
    'a release below the chain is kept: the node refuses it as too low, which resyncs',
  );
});

test('a failed chain read allocates nothing', async () => {
  const m = new NonceManager(new MemoryNonceStore());
  await assert.rejects(
    m.allocate(KEY, async () => {
      throw new Error('down');
    }),
    /down/,
  );
  assert.equal(await m.store.peek(KEY), undefined);
  assert.equal(await m.allocate(KEY, async () => 2n), 2n);
});

test('a nonce whose sender died mid-send (neither confirmed nor released) is handed out again once its lease ends', async () => {
  let now = 1_000_000;
  const m = new NonceManager(new MemoryNonceStore(), { leaseMs: 60_000, now: () => now });
  const readChain = async () => 10n;
  const [a, b, c] = [await m.allocate(KEY, readChain), await m.allocate(KEY, readChain), await m.allocate(KEY, readChain)];
  assert.deepEqual([a, b, c], [10n, 11n, 12n]);
  await m.confirm(KEY, a); // sent
  await m.confirm(KEY, c); // sent; b's sender died: the node holds 12 back until 11 arrives
  assert.deepEqual(await m.store.peek(KEY), { next: 13n, released: [], leased: [11n] });
  now += 59_999;
  assert.equal(await m.allocate(KEY, readChain), 13n, 'within the lease: still held');
  await m.confirm(KEY, 13n);
  now += 1;
  assert.equal(await m.allocate(KEY, readChain), 11n, 'the lease ended: the gap is filled first');
  assert.equal(await m.allocate(KEY, readChain), 14n);
  assert.deepEqual(await m.store.peek(KEY), { next: 15n, released: [], leased: [11n, 14n] }, 'each under a new lease');
});

test('a lapsed lease at the top lowers next, as a release does; confirm and release end a lease, invalidate drops them', async () => {
  let now = 0;
  const store = new MemoryNonceStore();
  const m = new NonceManager(store, { leaseMs: 10, now: () => now });
  const readChain = async () => 0n;
  await m.allocate(KEY, readChain); // 0
  await m.allocate(KEY, readChain); // 1
  await m.allocate(KEY, readChain); // 2
  await m.confirm(KEY, 0n);
  await m.release(KEY, 1n);
  assert.deepEqual(await store.peek(KEY), { next: 3n, released: [1n], leased: [2n] });
  now = 10;
  assert.equal(await m.allocate(KEY, readChain), 1n, '2 lapsed: 1 and 2 released, 2 lowers next to 2');
  assert.deepEqual(await store.peek(KEY), { next: 2n, released: [], leased: [1n] });
  assert.equal(await store.allocate(KEY), 2n, 'without a lease: held by nobody, never swept');
  assert.deepEqual(await store.peek(KEY), { next: 3n, released: [], leased: [1n] });
  await m.resync(KEY);
  assert.equal(await store.peek(KEY), undefined);
});
