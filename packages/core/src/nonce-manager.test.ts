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
  assert.deepEqual(await m.store.peek(KEY), { next: 3n, released: [] }, 'releasing the highest lowers next');
  await m.release(KEY, 9n);
  await m.release(KEY, 1n);
  await m.release(KEY, 1n);
  assert.deepEqual(await m.store.peek(KEY), { next: 3n, released: [1n] }, 'above next and duplicates are ignored');
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
  assert.deepEqual(await m.store.peek(KEY), { next: 7n, released: [1n] }, 'a release below the chain is kept: the node refuses it as too low, which resyncs');
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
