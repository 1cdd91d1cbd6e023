import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openKmsError } from '@openkms/core';
import { MINUTE_MS, MemoryPolicyStateStore, PolicyEngine, RuntimeState } from '../src/index.js';
import type { SharedPolicyStateStore, SignEvent } from '../src/index.js';
import { SOLANA_ALIASES, SYSTEM, solanaBase, solanaTx, testClock, transfer } from './helpers.js';

// A shared store (fleet mode) that can be cut: GET /policy (engine.viewAsync) must then say the usage is not the
// current state instead of showing a fresh 0, and must go live again once the store answers.
function cuttableStore() {
  // the key's events by reservation id (committed or pending); released ones are dropped
  const events = new Map<string, { label: string; event: SignEvent }>();
  let next = 0;
  let down = false;
  let version = 0;
  const guard = () => {
    if (down) throw openKmsError('state_unavailable', 'the shared state store did not answer', {});
  };
  const record = (label: string, event: SignEvent) => {
    const id = `r${next++}`;
    events.set(id, { label, event });
    version++;
    return id;
  };
  const store: SharedPolicyStateStore = {
    kind: 'test-shared',
    // a snapshot the engine owns, as the contract asks (it counts a batch's allowed events in it)
    load: async (label: string, since: number) => {
      guard();
      const view = new MemoryPolicyStateStore();
      for (const e of events.values()) if (e.label === label && e.event.time > since) view.add(label, e.event);
      return { view, version: String(version) };
    },
    reserveIf: async (label: string, v: string, event: SignEvent) => (guard(), v === String(version) ? record(label, event) : undefined),
    reserve: async (label: string, event: SignEvent) => (guard(), record(label, event)),
    commit: async () => guard(),
    release: async (id: string) => (guard(), void events.delete(id)),
    hold: async () => guard(),
    add: async (label: string, event: SignEvent) => (guard(), void record(label, event)),
  };
  return { store, cut: (v: boolean) => void (down = v) };
}

const policy = { ...solanaBase, max_signs_per_minute: 5, window_caps: { native: '1000' } };
const fleetEngine = (clock = testClock()) => {
  const { store, cut } = cuttableStore();
  const engine = new PolicyEngine({
    keys: { hot: { chain: 'solana', policy, aliases: SOLANA_ALIASES } },
    runtime: RuntimeState.inMemory(),
    shared: store,
    now: clock.now,
  });
  return { engine, cut, clock };
};

test('memory mode: the view says the usage is live, read now, from memory', () => {
  const clock = testClock();
  const engine = new PolicyEngine({ keys: { hot: { chain: 'solana', policy, aliases: SOLANA_ALIASES } }, now: clock.now });
  const v = engine.view('hot');
  assert.equal(v.runtime.usage_unavailable, false);
  assert.equal(v.runtime.usage_read_at, new Date(clock.now()).toISOString());
  assert.deepEqual(v.runtime.state_store, { kind: 'memory', reachable: true });
  assert.equal('usage_error' in v.runtime, false);
});

test('shared store never read and unreachable: usage unavailable, read_at null, the fault code; not a live 0', async () => {
  const { engine, cut } = fleetEngine();
  cut(true);
  const v = await engine.viewAsync('hot');
  assert.equal(v.runtime.usage_unavailable, true);
  assert.equal(v.runtime.usage_read_at, null);
  assert.equal(v.runtime.usage_error, 'state_unavailable');
  assert.deepEqual(v.runtime.state_store, { kind: 'test-shared', reachable: false });
  // the configured policy is still shown (the operator's configuration)
  assert.equal(v.policy.max_signs_per_minute, 5);
});

test('shared store cut after a read: the last figures, labelled with the time they were read; live again after', async () => {
  const { engine, cut, clock } = fleetEngine();
  const r = await engine.authorizeAsync('hot', solanaTx([transfer(100n, 'Alice', 'native', SYSTEM)]));
  assert.equal(r.decision.allowed, true, r.decision.message);
  r.reservation!.commit();
  await r.reservation!.settled;
  const read = await engine.viewAsync('hot');
  assert.equal(read.runtime.usage_unavailable, false);
  assert.equal(read.runtime.usage_read_at, new Date(clock.now()).toISOString());
  assert.deepEqual(read.runtime.state_store, { kind: 'test-shared', reachable: true });
  const readAt = read.runtime.usage_read_at;
  clock.advance(10_000);
  cut(true);
  const stale = await engine.viewAsync('hot');
  assert.equal(stale.runtime.usage_unavailable, true);
  assert.equal(stale.runtime.usage_read_at, readAt);
  assert.equal(stale.runtime.sign_counts.per_minute.used, 1);
  assert.equal(stale.runtime.spend.find((s) => s.asset === 'native')?.spent, '100');
  cut(false);
  clock.advance(MINUTE_MS);
  const live = await engine.viewAsync('hot');
  assert.equal(live.runtime.usage_unavailable, false);
  assert.equal(live.runtime.usage_read_at, new Date(clock.now()).toISOString());
  assert.equal('usage_error' in live.runtime, false);
});
