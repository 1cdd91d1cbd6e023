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
