import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryPolicyStateStore } from '../src/index.js';

const spend = (entries: [string, bigint][]) => new Map(entries);

test('memory store: windows are time > since, out-of-order inserts stay sorted, prune and release', () => {
  const s = new MemoryPolicyStateStore();
  s.add('k', { time: 300, spend: spend([['native', 3n]]) });
  s.add('k', {
    time: 100,
    spend: spend([
      ['native', 1n],
      ['spl:A', 5n],
    ]),
  });
  const id = s.reserve('k', { time: 200, spend: spend([['native', 2n]]) });
  s.reserve('other', { time: 250, spend: spend([['native', 100n]]) });
  assert.deepEqual(s.signTimes('k', 0), [100, 200, 300]);
  assert.deepEqual(s.signTimes('k', 100), [200, 300]);
  assert.deepEqual(s.spends('k', 'native', 0), [
    { time: 100, amount: 1n },
    { time: 200, amount: 2n },
    { time: 300, amount: 3n },
  ]);
  assert.deepEqual([...s.spentAssets('k', 0)].sort(), ['native', 'spl:A']);
  assert.deepEqual(s.spentAssets('k', 100), ['native']);
  assert.equal(s.pendingCount, 2);
  s.release(id);
  s.release(id);
  assert.deepEqual(s.signTimes('k', 0), [100, 300]);
  s.prune(100);
  assert.deepEqual(s.signTimes('k', 0), [300]);
  s.prune(1000);
  assert.deepEqual(s.signTimes('k', 0), []);
  assert.equal(s.pendingCount, 0, 'pruned reservations are forgotten');
  s.commit('r-unknown');
  assert.deepEqual(s.signTimes('nobody', 0), []);
});

test('memory store: counts, the i-th time and spend totals answer without copying the window', () => {
  const s = new MemoryPolicyStateStore();
  for (let t = 1; t <= 10; t++) s.add('k', { time: t * 100, spend: spend([['native', BigInt(t)]]) });
  const id = s.reserve('k', { time: 550, spend: spend([['native', 1000n]]) });
  assert.equal(s.signCount('k', 0), 11);
  assert.equal(s.signCount('k', 500), 6);
  assert.equal(s.signTimeAt('k', 500, 0), 550);
  assert.equal(s.signTimeAt('k', 500, 5), 1000);
  assert.equal(s.signTimeAt('k', 500, 6), undefined);
  assert.equal(s.spent('k', 'native', 0), 1055n);
  assert.equal(s.spent('k', 'native', 500), 6n + 7n + 8n + 9n + 10n + 1000n);
  s.release(id);
  assert.equal(s.signCount('k', 0), 10);
  assert.equal(s.spent('k', 'native', 0), 55n);
  s.prune(300);
  assert.equal(s.spent('k', 'native', 0), 55n - 6n);
  assert.deepEqual(s.signTimes('k', 0), [400, 500, 600, 700, 800, 900, 1000]);
  assert.equal(s.spent('k', 'spl:none', 0), 0n);
  assert.equal(s.signCount('nobody', 0), 0);
});

test('memory store: 24 h of signatures are kept compactly (typed arrays, ~16 bytes per signature and series, 8 per amount)', () => {
  const s = new MemoryPolicyStateStore();
  const n = 10_000;
  for (let i = 0; i < n; i++) {
    const id = s.reserve('k', { time: 1_000 + i, spend: spend([['native', 5n]]) });
    s.commit(id);
  }
  const f = s.footprint('k')!;
  assert.equal(f.signs, n);
  assert.deepEqual(f.assets, { native: n });
  // two series (signatures, native), times and sequence numbers as float64, the amounts as u64, capacity at most doubled
  assert.ok(f.bytes <= (2 * 2 * 8 + 8) * 2 * n, `${f.bytes} bytes for ${n} signatures`);
  assert.equal(s.pendingCount, 0);
  assert.equal(s.spent('k', 'native', 0), BigInt(n) * 5n);
  // the window slides: pruning the older half and adding as many again does not grow the arrays
  const capacity = f.capacity;
  for (let i = 0; i < 3 * n; i++) {
    s.prune(1_000 + i);
    s.add('k', { time: 1_000 + n + i, spend: spend([['native', 5n]]) });
  }
  assert.equal(s.footprint('k')!.signs, n);
  assert.equal(s.footprint('k')!.capacity, capacity, 'the dead prefix is reused, not appended to');
  assert.equal(s.spent('k', 'native', 0), BigInt(n) * 5n);
});

test('memory store: an amount above 64 bits moves that series to bigints, and every sum stays exact', () => {
  const s = new MemoryPolicyStateStore();
  const big = (1n << 70n) + 3n;
  for (let t = 1; t <= 5; t++) s.add('k', { time: t * 100, spend: spend([['native', BigInt(t)]]) });
  const id = s.reserve('k', { time: 250, spend: spend([['native', big]]) });
  s.add('k', { time: 600, spend: spend([['native', (1n << 64n) - 1n]]) });
  assert.equal(s.spent('k', 'native', 0), 15n + big + (1n << 64n) - 1n);
  assert.deepEqual(
    s.spends('k', 'native', 200).map((e) => e.amount),
    [big, 3n, 4n, 5n, (1n << 64n) - 1n],
  );
  s.release(id);
  assert.equal(s.spent('k', 'native', 0), 15n + (1n << 64n) - 1n);
  s.prune(300);
  assert.equal(s.spent('k', 'native', 0), 9n + (1n << 64n) - 1n);
  assert.equal(s.spent('k', 'native', 400), 5n + (1n << 64n) - 1n);
  // many more after the switch: growth and compaction keep the bigints aligned with their times
  for (let t = 7; t <= 200; t++) s.add('k', { time: t * 100, spend: spend([['native', big]]) });
  s.prune(10_000);
  assert.equal(s.spent('k', 'native', 0), 100n * big);
});
