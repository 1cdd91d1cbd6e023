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
