import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DAY_MS, HOUR_MS, PolicyEngine } from '../src/index.js';
import { MSG_SEND, TOKEN, SYSTEM, cosmosTx, ruleOf, solanaEngine, solanaTx, testClock, transfer } from './helpers.js';

test('assets are never summed across SPL mints', () => {
  const { engine } = solanaEngine({
    allowed_programs: [{ id: SYSTEM }, { id: TOKEN }],
    per_tx_caps: { 'spl:MintA': '100', 'spl:MintB': '100' },
    window_caps: { 'spl:MintA': '150' },
  });
  const tx = solanaTx([transfer(100n, 'Alice', 'spl:MintA', TOKEN), transfer(100n, 'Alice', 'spl:MintB', TOKEN), transfer(10n ** 12n)]);
  const { decision, reservation } = engine.authorize('hot', tx);
  assert.equal(decision.allowed, true, decision.message);
  reservation!.commit();
  // A has 100 of 150 spent; B has no window cap; native has no cap at all
  assert.equal(engine.explain('hot', solanaTx([transfer(50n, 'Alice', 'spl:MintA', TOKEN)])).allowed, true);
  assert.equal(engine.explain('hot', solanaTx([transfer(51n, 'Alice', 'spl:MintA', TOKEN)])).code, 'window_cap_exceeded');
  assert.equal(engine.explain('hot', solanaTx([transfer(100n, 'Alice', 'spl:MintB', TOKEN)])).allowed, true);
});

test('assets are never summed across Cosmos denoms (per_tx_caps and window_caps)', () => {
  const clock = testClock();
  const engine = new PolicyEngine({
    keys: {
      atom: {
        chain: 'cosmos',
        policy: {
          allowed_messages: [{ type_url: MSG_SEND }],
          per_tx_caps: { 'denom:uatom': '1000' },
          window_caps: { 'denom:uatom': '1500', 'denom:uosmo': '10' },
        },
      },
    },
    now: clock.now,
  });
  const tx = cosmosTx([transfer(1000n, 'a', 'denom:uatom', MSG_SEND), transfer(10n, 'a', 'denom:uosmo', MSG_SEND)]);
  const d = engine.authorize('atom', tx);
  assert.equal(d.decision.allowed, true, d.decision.message);
  assert.deepEqual(ruleOf(d.decision, 'per_tx_caps').detail?.checked, [{ asset: 'denom:uatom', cap: '1000', attempted: '1000' }]);
  d.reservation!.commit();
  const v = engine.view('atom');
  assert.deepEqual(
    v.runtime.spend.map((s) => [s.asset, s.spent, s.remaining]),
    [
      ['denom:uatom', '1000', '500'],
      ['denom:uosmo', '10', '0'],
    ],
  );
  assert.equal(engine.explain('atom', cosmosTx([transfer(500n, 'a', 'denom:uatom', MSG_SEND)])).allowed, true);
  assert.equal(engine.explain('atom', cosmosTx([transfer(1n, 'a', 'denom:uosmo', MSG_SEND)])).code, 'window_cap_exceeded');
  // ibc denoms are their own assets too: no cap names this one, so it is denied (deny_uncapped_assets defaults to true)
  const ibc = engine.explain('atom', cosmosTx([transfer(10n ** 15n, 'a', 'denom:ibc/27394FB092D2ECCD', MSG_SEND)]));
  assert.equal(ibc.code, 'uncapped_asset_denied');
  assert.equal(ruleOf(ibc, 'uncapped_assets').detail?.asset, 'denom:ibc/27394FB092D2ECCD');
});

test('the window is rolling 24 h, not a calendar day', () => {
  const clock = testClock(Date.parse('2025-03-01T23:00:00.000Z'));
  const { engine } = solanaEngine({ daily_cap_lamports: '100' }, { clock });
  engine.authorize('hot', solanaTx([transfer(80n)])).reservation!.commit();
  // after midnight UTC a calendar-day cap would reset; a rolling one does not
  clock.set(Date.parse('2025-03-02T01:00:00.000Z'));
  let d = engine.explain('hot', solanaTx([transfer(30n)]));
  assert.equal(d.code, 'window_cap_exceeded');
  assert.equal(d.retryAfterSeconds, 22 * 3600);
  assert.equal(engine.view('hot').runtime.spend[0]?.resets_at, '2025-03-02T23:00:00.000Z');
  engine.authorize('hot', solanaTx([transfer(20n)])).reservation!.commit();
  // one millisecond before the first spend is 24 h old it still counts; at 24 h it has left the window
  clock.set(Date.parse('2025-03-02T23:00:00.000Z') - 1);
  assert.equal(engine.explain('hot', solanaTx([transfer(1n)])).code, 'window_cap_exceeded');
  clock.set(Date.parse('2025-03-02T23:00:00.000Z'));
  assert.equal(engine.explain('hot', solanaTx([transfer(80n)])).allowed, true);
  assert.equal(engine.explain('hot', solanaTx([transfer(81n)])).code, 'window_cap_exceeded');
  d = engine.explain('hot', solanaTx([transfer(81n)]));
  assert.equal(d.retryAfterSeconds, 2 * 3600, 'the 01:00 spend of 20 has to expire');
});

test('retryAfter for window caps is computed from the window contents', () => {
  const { engine, clock } = solanaEngine({ window_caps: { native: '100' } });
  for (const amount of [10n, 20n, 30n, 40n]) {
    engine.authorize('hot', solanaTx([transfer(amount)])).reservation!.commit();
    clock.advance(HOUR_MS);
  }
  // spent 100 at t0, t0+1h, t0+2h, t0+3h; now t0+4h. To send 45 the 10, 20 and 30 must expire (40 + 45 <= 100)
  const d = engine.explain('hot', solanaTx([transfer(45n)]));
  assert.equal(d.retryAfterSeconds, (DAY_MS - 2 * HOUR_MS) / 1000);
});

test('a rate limit and a window cap failing together: retryAfter is the larger wait', () => {
  const { engine, clock } = solanaEngine({ max_signs_per_minute: 1, daily_cap_lamports: '10' });
  engine.authorize('hot', solanaTx([transfer(10n)])).reservation!.commit();
  clock.advance(1000);
  const d = engine.explain('hot', solanaTx([transfer(1n)]));
  assert.equal(d.code, 'rate_limited');
  assert.equal(d.kind, 'limited');
  assert.equal(d.retryAfterSeconds, DAY_MS / 1000 - 1);
});

test('a window cap no wait can satisfy outranks a rate limit: forbidden', () => {
  const { engine, clock } = solanaEngine({ max_signs_per_minute: 1, daily_cap_lamports: '10' });
  engine.authorize('hot', solanaTx([transfer(1n)])).reservation!.commit();
  clock.advance(1000);
  const d = engine.explain('hot', solanaTx([transfer(11n)]));
  assert.equal(d.code, 'tx_exceeds_window_cap');
  assert.equal(d.kind, 'forbidden');
  assert.equal(ruleOf(d, 'max_signs_per_minute').ok, false);
});

test('released reservations give their budget back; committed ones keep it', () => {
  const { engine } = solanaEngine({ daily_cap_lamports: '100', max_signs_per_day: 2 });
  const a = engine.authorize('hot', solanaTx([transfer(100n)]));
  assert.equal(engine.explain('hot', solanaTx([transfer(1n)])).code, 'window_cap_exceeded', 'a pending reservation holds the budget');
  a.reservation!.release();
  assert.equal(a.reservation!.state, 'released');
  a.reservation!.commit();
  assert.equal(a.reservation!.state, 'released', 'the first call wins');
  const b = engine.authorize('hot', solanaTx([transfer(100n)]));
  b.reservation!.commit();
  b.reservation!.release();
  assert.equal(b.reservation!.state, 'committed');
  const v = engine.view('hot');
  assert.equal(v.runtime.spend[0]?.spent, '100');
  assert.equal(v.runtime.sign_counts.per_day.used, 1);
});

test('explain consumes nothing', () => {
  const { engine } = solanaEngine({ max_signs_per_minute: 1, daily_cap_lamports: '100' });
  for (let i = 0; i < 5; i++) assert.equal(engine.explain('hot', solanaTx([transfer(100n)])).allowed, true);
  const v = engine.view('hot');
  assert.equal(v.runtime.sign_counts.per_minute.used, 0);
  assert.equal(v.runtime.spend[0]?.spent, '0');
  assert.equal(engine.authorize('hot', solanaTx([transfer(100n)])).decision.allowed, true);
});

test('denied authorizations reserve nothing', () => {
  const { engine } = solanaEngine({ per_tx_cap_lamports: '10', max_signs_per_minute: 5 });
  for (let i = 0; i < 5; i++) assert.equal(engine.authorize('hot', solanaTx([transfer(11n)])).reservation, undefined);
  assert.equal(engine.view('hot').runtime.sign_counts.per_minute.used, 0);
});

test('view shows the effective policy, sign counts and rolling spend', () => {
  const { engine, clock } = solanaEngine({ max_signs_per_minute: 5, daily_cap_lamports: '1000', per_tx_cap_lamports: '500' });
  engine.authorize('hot', solanaTx([transfer(100n)])).reservation!.commit();
  clock.advance(90_000);
  engine.authorize('hot', solanaTx([transfer(50n)])).reservation!.commit();
  const v = engine.view('hot');
  assert.equal(v.label, 'hot');
  assert.equal(v.effective_enabled, true);
  assert.equal(v.policy.per_tx_caps.native, '500');
  assert.equal(v.policy_version, engine.policyVersion('hot'));
  const t0 = Date.parse('2025-03-01T12:00:00.000Z');
  const iso = (ms: number) => new Date(ms).toISOString();
  assert.deepEqual(v.runtime.sign_counts, {
    per_minute: { limit: 5, used: 1, window_secs: 60, resets_at: iso(t0 + 90_000 + 60_000), retry_after_secs: 0 },
    per_hour: { limit: null, used: 2, window_secs: 3600, resets_at: iso(t0 + 3_600_000), retry_after_secs: 0 },
    per_day: { limit: null, used: 2, window_secs: 86400, resets_at: iso(t0 + DAY_MS), retry_after_secs: 0 },
  });
  assert.deepEqual(v.runtime.spend, [
    {
      asset: 'native',
      spent: '150',
      cap: '1000',
      remaining: '850',
      resets_at: iso(t0 + DAY_MS),
      retry_after_secs: DAY_MS / 1000 - 90,
      frees_at_reset: '100',
      remaining_at_reset: '950',
    },
  ]);
  assert.deepEqual(JSON.parse(JSON.stringify(v)), v, 'JSON-safe');
});

test('view: a full rate window says when its next slot frees (the Retry-After a 429 would carry)', () => {
  const { engine, clock } = solanaEngine({ max_signs_per_minute: 2 });
  engine.authorize('hot', solanaTx([transfer(1n)])).reservation!.commit();
  clock.advance(10_000);
  engine.authorize('hot', solanaTx([transfer(1n)])).reservation!.commit();
  clock.advance(5_000);
  const minute = engine.view('hot').runtime.sign_counts.per_minute;
  const denied = engine.explain('hot', solanaTx([transfer(1n)]));
  assert.equal(minute.retry_after_secs, 45);
  assert.equal(minute.retry_after_secs, denied.retryAfterSeconds);
  assert.equal(minute.resets_at, new Date(Date.parse('2025-03-01T12:01:00.000Z')).toISOString());
  clock.advance(45_000);
  assert.equal(engine.view('hot').runtime.sign_counts.per_minute.retry_after_secs, 0);
});
