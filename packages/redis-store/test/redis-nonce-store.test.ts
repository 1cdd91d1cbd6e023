import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { MemoryNonceStore, NonceManager, type NonceStore } from '@openkms/core';
import { redisMissing, startTestRedis, type TestRedis } from '@openkms/tooling/test-helpers';
import { RedisNonceStore, redisClientOptions } from '../src/index.js';

const skip = redisMissing();
const KEY = NonceManager.key('anvil', '0xAbC');

describe('RedisNonceStore: the NonceStore contract, shared by several instances', { skip }, () => {
  let redis: TestRedis;
  const clients: Redis[] = [];
  before(async () => {
    redis = await startTestRedis();
  });
  after(async () => {
    for (const c of clients) c.disconnect();
    await redis?.close();
  });
  const store = async (prefix: string): Promise<RedisNonceStore> => {
    const c = new Redis(redisClientOptions({ url: redis.url }));
    c.on('error', () => undefined);
    await c.connect();
    clients.push(c);
    return new RedisNonceStore(c, prefix);
  };

  test('the same answers as MemoryNonceStore for a scripted and a random sequence of operations', async () => {
    const redisStore = await store('parity:');
    const memory = new MemoryNonceStore();
    const both = async <T>(op: (s: NonceStore) => Promise<T>, what: string): Promise<void> => {
      assert.deepEqual(await op(redisStore), await op(memory), what);
      assert.deepEqual(await redisStore.peek(KEY), await memory.peek(KEY), `state after ${what}`);
    };
    await both((s) => s.allocate(KEY), 'allocate on a stale key');
    await both((s) => s.release(KEY, 0n), 'release on a stale key');
    await both((s) => s.initialize(KEY, 7n), 'initialize');
    await both((s) => s.initialize(KEY, 100n), 'initialize again (first sync wins)');
    for (let i = 0; i < 5; i++) await both((s) => s.allocate(KEY), `allocate ${i}`);
    await both((s) => s.release(KEY, 9n), 'release a middle nonce');
    await both((s) => s.release(KEY, 9n), 'release it twice');
    await both((s) => s.release(KEY, 12n), 'release at next');
    await both((s) => s.release(KEY, 11n), 'release the highest (lowers next)');
    await both((s) => s.release(KEY, 10n), 'release down to the gap (lowers next past the released 9)');
    await both((s) => s.allocate(KEY), 'allocate after lowering');
    await both((s) => s.invalidate(KEY), 'invalidate');
    await both((s) => s.initialize(KEY, 0n), 'initialize at 0');
    await both((s) => s.allocate(KEY), 'allocate 0');
    await both((s) => s.release(KEY, 0n), 'release 0 (next back to 0)');
    // big nonces stay exact (beyond 2^53, where doubles would round)
    await both((s) => s.invalidate(KEY), 'invalidate again');
    await both((s) => s.initialize(KEY, 2n ** 60n + 1n), 'initialize beyond 2^53');
    await both((s) => s.allocate(KEY), 'allocate beyond 2^53');
    await both((s) => s.allocate(KEY), 'allocate beyond 2^53 again');
    await both((s) => s.release(KEY, 2n ** 60n + 1n), 'release beyond 2^53');
    await both((s) => s.allocate(KEY), 'allocate the released one');
    await both((s) => s.release(KEY, 2n ** 60n + 2n), 'release the top');
    await both((s) => s.release(KEY, 2n ** 60n + 1n), 'release the new top');
    // leases: a lease that ended is released by the next allocation with a lease, a confirmed one is not
    await both((s) => s.invalidate(KEY), 'invalidate before the leases');
    await both((s) => s.initialize(KEY, 5n), 'initialize for the leases');
    await both((s) => s.allocate(KEY, { now: 100, until: 200 }), 'allocate 5 leased until 200');
    await both((s) => s.allocate(KEY, { now: 100, until: 150 }), 'allocate 6 leased until 150');
    await both((s) => s.allocate(KEY, { now: 100, until: 150 }), 'allocate 7 leased until 150');
    await both((s) => s.confirm(KEY, 6n), 'confirm 6');
    await both((s) => s.allocate(KEY, { now: 149, until: 300 }), 'allocate 8 before any lease ended');
    await both((s) => s.allocate(KEY, { now: 150, until: 300 }), 'allocate at 150: 7 lapsed, handed out again');
    await both((s) => s.release(KEY, 8n), 'release 8 (ends its lease, lowers next)');
    await both((s) => s.allocate(KEY, { now: 400, until: 500 }), 'allocate at 400: 5 and 7 lapsed; 5 handed out, 7 lowers next');
    await both((s) => s.allocate(KEY), 'allocate without a lease');
    await both((s) => s.invalidate(KEY), 'invalidate before the random run');

    // a random run (seeded: reproducible)
    let seed = 42;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let i = 0; i < 400; i++) {
      const p = await memory.peek(KEY);
      const op = rnd(13);
      if (op < 2) await both((s) => s.allocate(KEY), `#${i} allocate`);
      else if (op < 4) {
        const now = rnd(40);
        const until = now + rnd(10);
        await both((s) => s.allocate(KEY, { now, until }), `#${i} allocate at ${now} leased until ${until}`);
      } else if (op >= 10) {
        const n = BigInt(rnd(Number((p?.next ?? 5n) + 2n)));
        await both((s) => s.confirm(KEY, n), `#${i} confirm ${n}`);
      } else if (op < 8) {
        const n = BigInt(rnd(Number((p?.next ?? 5n) + 3n)));
        await both((s) => s.release(KEY, n), `#${i} release ${n}`);
      } else if (op < 9) {
        const n = BigInt(rnd(30));
        await both((s) => s.initialize(KEY, n), `#${i} initialize ${n}`);
      } else await both((s) => s.invalidate(KEY), `#${i} invalidate`);
    }
  });

  test('three instances allocating at once get consecutive nonces; released ones are reused first', async () => {
    const stores = await Promise.all([store('fleet:'), store('fleet:'), store('fleet:')]);
    const managers = stores.map((s) => new NonceManager(s));
    let reads = 0;
    // concurrent first uses read the chain each; the first answer initializes the key for everybody
    const readChain = async () => {
      reads++;
      await new Promise((r) => setTimeout(r, 5));
      return 3n;
    };
    const got = await Promise.all(Array.from({ length: 90 }, (_, i) => managers[i % 3]!.allocate(KEY, readChain)));
    assert.deepEqual(
      [...got].sort((a, b) => Number(a - b)),
      Array.from({ length: 90 }, (_, i) => 3n + BigInt(i)),
    );
    assert.ok(reads >= 1);
    await managers[0]!.release(KEY, 10n);
    await managers[1]!.release(KEY, 20n);
    assert.equal(await managers[2]!.allocate(KEY, readChain), 10n);
    assert.equal(await managers[0]!.allocate(KEY, readChain), 20n);
    assert.equal(await managers[1]!.allocate(KEY, readChain), 93n);
    // keys live under the prefix only
    const keys = await clients[0]!.keys('*');
    assert.ok(
      keys.every((k) => k.startsWith('parity:') || k.startsWith('fleet:')),
      keys.join(' '),
    );
    assert.deepEqual((await clients[0]!.keys('fleet:*')).sort(), ['fleet:nonce:{anvil:0xabc}:leased', 'fleet:nonce:{anvil:0xabc}:next']);
  });

  test('an instance that dies between allocating and sending: once its lease ends, another instance hands its nonce out again', async () => {
    const [a, b] = await Promise.all([store('crash:'), store('crash:')]);
    let now = 1_000;
    const [ma, mb] = [a, b].map((s) => new NonceManager(s, { leaseMs: 5_000, now: () => now }));
    const readChain = async () => 40n;
    assert.equal(await ma!.allocate(KEY, readChain), 40n);
    await ma!.confirm(KEY, 40n);
    assert.equal(await ma!.allocate(KEY, readChain), 41n); // A is killed here: 41 is never sent
    assert.equal(await mb!.allocate(KEY, readChain), 42n);
    await mb!.confirm(KEY, 42n); // the node holds 42 back, waiting for 41
    now += 4_999;
    assert.equal(await mb!.allocate(KEY, readChain), 43n, 'inside the lease: 41 may still be on its way');
    await mb!.confirm(KEY, 43n);
    now += 1;
    assert.equal(await mb!.allocate(KEY, readChain), 41n, 'the lease ended: B fills the gap');
    await mb!.confirm(KEY, 41n);
    assert.deepEqual(await b.peek(KEY), { next: 44n, released: [], leased: [] });
  });

  test('Redis down: every method rejects with state_unavailable (nothing handed out); back again: it works', async () => {
    const s = await store('down:');
    await s.initialize(KEY, 1n);
    await redis.kill();
    for (const op of [
      () => s.allocate(KEY),
      () => s.initialize(KEY, 1n),
      () => s.release(KEY, 0n),
      () => s.confirm(KEY, 0n),
      () => s.invalidate(KEY),
      () => s.peek(KEY),
    ]) {
      await assert.rejects(op(), (e: any) => e.code === 'state_unavailable');
    }
    await redis.restart();
    for (let i = 0; ; i++) {
      try {
        assert.equal(await s.allocate(KEY), 1n, 'the AOF kept the counter');
        break;
      } catch (err) {
        if (i > 100) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  });
});
