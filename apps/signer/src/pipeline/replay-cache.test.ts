import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReplayCache } from './replay-cache.js';

test('replay cache is bounded by size and TTL and keyed by label', () => {
  let now = 0;
  const cache = new ReplayCache(2, 1000, () => now);
  cache.set('a', 'h1', { s: 1 }, 'x1');
  cache.set('a', 'h2', { s: 2 }, 'x2');
  assert.deepEqual(cache.get('a', 'h1')?.body, { s: 1 });
  assert.equal(cache.get('b', 'h1'), undefined);
  cache.set('a', 'h3', { s: 3 }, 'x3');
  assert.equal(cache.get('a', 'h1'), undefined, 'oldest evicted beyond max entries');
  now = 1000;
  assert.equal(cache.get('a', 'h3'), undefined, 'expired after TTL');
});

test('replay cache drops expired entries on every set (a quiet signer keeps nothing past the TTL)', () => {
  let now = 0;
  const cache = new ReplayCache(10_000, 1000, () => now);
  for (let i = 0; i < 100; i++) cache.set('a', `h${i}`, { s: i }, 'x');
  assert.equal(cache.size, 100);
  now = 1500;
  cache.set('a', 'late', { s: 'late' }, 'x');
  assert.equal(cache.size, 1, 'the 100 expired entries are gone without being looked up');
  assert.deepEqual(cache.get('a', 'late')?.body, { s: 'late' });
});

test('replay cache is bounded in bytes: the oldest go first, and a response larger than the bound is not kept', () => {
  const cache = new ReplayCache(10_000, 60_000, () => 0, 10_000);
  const big = 'f'.repeat(2000);
  for (let i = 0; i < 20; i++) cache.set('a', `h${i}`, { raw_transaction: big, i }, 'x');
  assert.ok(cache.bytes <= 10_000, `bytes ${cache.bytes}`);
  assert.ok(cache.size >= 3 && cache.size < 20, `size ${cache.size}`);
  assert.equal(cache.get('a', 'h0'), undefined, 'oldest evicted');
  assert.ok(cache.get('a', 'h19'));
  cache.set('a', 'huge', { raw_transaction: 'f'.repeat(20_000) }, 'x');
  assert.equal(cache.get('a', 'huge'), undefined);
  assert.ok(cache.get('a', 'h19'), 'an oversized response does not flush the cache');
});
