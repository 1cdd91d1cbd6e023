import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HOUR_MS, MemoryPolicyStateStore } from '../src/index.js';
import { SYSTEM, TOKEN, solanaEngine, solanaTx, testClock, transfer } from './helpers.js';

// The signer updates its budget metrics after every signature (engine.budgets) and shows GET /policy (engine.view):
// neither may copy the rolling window (every sign time, every spend of the last 24 h), which made each signature's
// cost grow with the signatures before it.
function countingStore() {
  const store = new MemoryPolicyStateStore();
  const copies = { signTimes: 0, spends: 0 };
  const signTimes = store.signTimes.bind(store);
  const spends = store.spends.bind(store);
  store.signTimes = (...a) => (copies.signTimes++, signTimes(...a));
  store.spends = (...a) => (copies.spends++, spends(...a));
  return { store, copies };
}

test('budgets: spent and remaining per asset from the running totals, as view shows them, without copying the window', () => {
  const clock = testClock();
  const { store, copies } = countingStore();
  const { engine } = solanaEngine(
    {
      allowed_programs: [{ id: SYSTEM }, { id: TOKEN }],
      per_tx_caps: { native: '100', 'spl:MintA': '100' },
      window_caps: { native: '250', 'spl:MintA': '50' },
    },
    { clock, state: store },
  );
  for (const [amount, asset] of [
    [100n, 'native'],
    [40n, 'spl:MintA'],
    [100n, 'native'],
  ] as const) {
    const { decision, reservation } = engine.authorize('hot', solanaTx([transfer(amount, 'Alice', asset, asset === 'native' ? SYSTEM : TOKEN)]));
    assert.equal(decision.allowed, true, decision.message);
    reservation!.commit();
    clock.advance(HOUR_MS);
  }
  const budgets = engine.budgets('hot');
  assert.equal(copies.signTimes + copies.spends, 0, 'budgets copies no window');
  assert.deepEqual(
    budgets.map((b) => [b.asset, b.spent, b.remaining]),
    [
      ['native', 200n, 50n],
      ['spl:MintA', 40n, 10n],
    ],
  );
  const view = engine.view('hot');
  assert.equal(copies.signTimes, 0, 'view counts signatures without copying their times');
  assert.deepEqual(
    view.runtime.spend.map((s) => [s.asset, s.spent, s.remaining]),
    budgets.map((b) => [b.asset, b.spent.toString(), b.remaining === null ? null : b.remaining.toString()]),
  );
  assert.equal(view.runtime.sign_counts.per_day.used, 3);
  assert.equal(view.runtime.sign_counts.per_hour.used, 0); // the last one is exactly an hour old
  assert.equal(view.runtime.sign_counts.per_day.resets_at, new Date(clock.now() - 3 * HOUR_MS + 24 * HOUR_MS).toISOString());
});
