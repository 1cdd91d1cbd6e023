import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setImmediate as tick } from 'node:timers/promises';
import { MemoryPolicyStateStore } from '../src/index.js';
import type { PolicyEngine } from '../src/index.js';
import { solanaEngine, solanaTx, transfer } from './helpers.js';

/** Simulates the signer: authorize, then an async gap (HSM round trip), then commit, or release if signing fails. */
async function request(engine: PolicyEngine, i: number, fails: (i: number) => boolean) {
  const { decision, reservation } = engine.authorize('hot', solanaTx([transfer(1n, 'Alice')]));
  if (!decision.allowed) return { i, outcome: 'denied' as const, code: decision.code, kind: decision.kind };
  for (let k = 0; k < 1 + (i % 7); k++) await tick();
  if (fails(i)) {
    reservation!.release();
    return { i, outcome: 'released' as const };
  }
  reservation!.commit();
  return { i, outcome: 'committed' as const };
}

for (const [name, policy, code] of [
  ['window cap of 10', { daily_cap_lamports: '10' }, 'window_cap_exceeded'],
  ['max_signs_per_minute = 10', { max_signs_per_minute: 10 }, 'rate_limited'],
  ['max_signs_per_day = 10', { max_signs_per_day: 10 }, 'rate_limited'],
] as const) {
  test(`100 parallel requests against ${name}: exactly 10 commits and 90 denials`, async () => {
    const state = new MemoryPolicyStateStore();
    const { engine } = solanaEngine(policy, { state });
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => request(engine, i, () => false)));
    assert.equal(results.filter((r) => r.outcome === 'committed').length, 10);
    const denied = results.filter((r) => r.outcome === 'denied');
    assert.equal(denied.length, 90);
    assert.ok(denied.every((r) => r.code === code && r.kind === 'limited'));
    assert.equal(state.pendingCount, 0);
    const v = engine.view('hot');
    assert.equal(v.runtime.sign_counts.per_minute.used, 10);
  });
}

test('failed signings release their budget to later requests, never overshooting', async () => {
  const state = new MemoryPolicyStateStore();
  const { engine } = solanaEngine({ daily_cap_lamports: '10', max_signs_per_minute: 10 }, { state });
  let inFlightMax = 0;
  const all: Promise<{ outcome: string }>[] = [];
  // five waves of 40; every third allowed request fails at the "HSM"
  for (let wave = 0; wave < 5; wave++) {
    for (let j = 0; j < 40; j++) all.push(request(engine, wave * 40 + j, (i) => i % 3 === 0));
    const used = engine.view('hot').runtime.sign_counts.per_minute.used;
    inFlightMax = Math.max(inFlightMax, used);
    assert.ok(used <= 10, `reserved + committed ${used} must never exceed 10`);
    await tick();
    await tick();
  }
  const results = await Promise.all(all);
  // then fill up what the last failures released, one request at a time
  for (let k = 0; k < 20; k++) results.push(await request(engine, 1 + 3 * k, () => false));
  const committed = results.filter((r) => r.outcome === 'committed').length;
  const released = results.filter((r) => r.outcome === 'released').length;
  assert.equal(committed, 10, 'released budget was reused until the cap was reached');
  assert.ok(released > 0);
  assert.equal(engine.view('hot').runtime.spend[0]?.spent, '10');
  assert.equal(state.pendingCount, 0);
  assert.ok(inFlightMax <= 10);
});
