import { test } from 'node:test';
import assert from 'node:assert/strict';
import { summarizeIntent } from '@openkms/core';
import type { IntentSummary } from '@openkms/core';
import { DAY_MS, MINUTE_MS } from '../src/index.js';
import type { RestoreRecord } from '../src/index.js';
import { T0, solanaEngine, solanaTx, testClock, transfer } from './helpers.js';

const policy = { max_signs_per_minute: 5, max_signs_per_day: 100, daily_cap_lamports: '1000', window_caps: { 'spl:MintA': '50' } };

function rec(time: number | string | Date, decision: string, transfers: { asset: string; amount: string }[] = [], label = 'hot'): RestoreRecord {
  return { time: typeof time === 'number' ? new Date(time).toISOString() : time, label, decision, intent: { transfers } };
}

test('restore rebuilds sign counts and rolling spend from allow records only', async () => {
  const clock = testClock();
  const { engine } = solanaEngine(policy, { clock });
  const summary = await engine.restore([
    rec(T0 - 30_000, 'allow', [
      { asset: 'native', amount: '300' },
      { asset: 'native', amount: '100' },
    ]),
    rec(new Date(T0 - 20_000), 'allow', [{ asset: 'spl:MintA', amount: '50' }]),
    rec(T0 - 10_000, 'replay', [{ asset: 'native', amount: '999' }]),
    rec(T0 - 5_000, 'deny', [{ asset: 'native', amount: '999' }]),
    rec(T0 - 2 * 3600_000, 'allow', [{ asset: 'native', amount: '200' }]),
    rec(T0 - DAY_MS, 'allow', [{ asset: 'native', amount: '900' }]), // exactly 24 h old: outside the window
    rec(T0 - 3 * DAY_MS, 'allow', [{ asset: 'native', amount: '900' }]),
    rec(T0 - 1000, 'allow', [{ asset: 'native', amount: '7' }], 'other-key'),
  ]);
  assert.deepEqual(summary, { counted: 4, ignored: 4 });
  const v = engine.view('hot');
  assert.equal(v.runtime.sign_counts.per_minute.used, 2);
  assert.equal(v.runtime.sign_counts.per_day.used, 3);
  assert.deepEqual(
    v.runtime.spend.map((s) => [s.asset, s.spent]),
    [
      ['native', '600'],
      ['spl:MintA', '50'],
    ],
  );
  assert.equal(engine.explain('hot', solanaTx([transfer(401n)])).code, 'window_cap_exceeded');
  assert.equal(engine.explain('hot', solanaTx([transfer(400n)])).allowed, true);
});

test('restore accepts async iterables (e.g. an audit log reader)', async () => {
  const { engine } = solanaEngine(policy);
  async function* records() {
    for (let i = 0; i < 5; i++) {
      await Promise.resolve();
      yield rec(T0 - 1000 * (i + 1), 'allow', [{ asset: 'native', amount: '1' }]);
    }
  }
  assert.deepEqual(await engine.restore(records()), { counted: 5, ignored: 0 });
  const d = engine.explain('hot', solanaTx([transfer(1n)]));
  assert.equal(d.code, 'rate_limited');
  assert.equal(d.retryAfterSeconds, 55, 'the oldest restored signature (T0-5 s) leaves the minute window at T0+55 s');
});

test('kill -9: pending reservations are lost, the audit records are the only truth', async () => {
  const clock = testClock();
  const first = solanaEngine(policy, { clock }).engine;
  const audit: RestoreRecord[] = [];
  // three signatures made it to the audit log...
  for (const amount of [100n, 200n, 300n]) {
    const { reservation } = first.authorize('hot', solanaTx([transfer(amount)]));
    audit.push(rec(clock.now(), 'allow', [{ asset: 'native', amount: amount.toString() }]));
    reservation!.commit();
    clock.advance(1000);
  }
  // ...two were in flight when the process was killed (reserved, never audited)
  first.authorize('hot', solanaTx([transfer(250n)]));
  first.authorize('hot', solanaTx([transfer(150n)]));
  assert.equal(first.view('hot').runtime.spend[0]?.spent, '1000');
  clock.advance(5000);
  const second = solanaEngine(policy, { clock }).engine;
  await second.restore(audit);
  const v = second.view('hot');
  assert.equal(v.runtime.spend[0]?.spent, '600');
  assert.equal(v.runtime.sign_counts.per_minute.used, 3);
  assert.equal(second.explain('hot', solanaTx([transfer(400n)])).allowed, true);
  assert.equal(second.explain('hot', solanaTx([transfer(401n)])).code, 'window_cap_exceeded');
  // and the restored spend expires on the rolling window like live spend
  clock.set(T0 + DAY_MS);
  assert.equal(second.view('hot').runtime.spend[0]?.spent, '500');
  clock.advance(MINUTE_MS);
  assert.equal(second.view('hot').runtime.sign_counts.per_day.used, 0);
});

test('restore refuses unreadable records instead of counting them as zero', async () => {
  const { engine } = solanaEngine(policy);
  await assert.rejects(engine.restore([rec(T0 - 1, 'allow', [{ asset: 'native', amount: 'abc' }])]), (err: { code?: string; context?: { path?: string } }) => {
    assert.equal(err.code, 'config_invalid');
    assert.equal(err.context?.path, 'intent.transfers[0].amount');
    return true;
  });
  await assert.rejects(engine.restore([rec('yesterday-ish', 'allow')]), { code: 'config_invalid' });
  await assert.rejects(engine.restore([{ time: new Date(T0).toISOString(), label: '', decision: 'allow' }]), { code: 'config_invalid' });
  // records without an intent still count as signatures
  await engine.restore([{ time: new Date(T0 - 1).toISOString(), label: 'hot', decision: 'allow' }]);
  assert.equal(engine.view('hot').runtime.sign_counts.per_minute.used, 1);
});

test('audit records (IntentSummary, optional label) can be passed as they are', async () => {
  // the shape @openkms/audit reads back: label optional, intent is core's IntentSummary
  type AuditLike = { v: number; seq: number; time: string; decision: 'allow' | 'deny' | 'admin'; label?: string; intent?: IntentSummary };
  const records: AuditLike[] = [
    { v: 1, seq: 1, time: new Date(T0 - 1000).toISOString(), decision: 'admin' },
    {
      v: 1,
      seq: 2,
      time: new Date(T0 - 500).toISOString(),
      decision: 'allow',
      label: 'hot',
      intent: summarizeIntent(solanaTx([transfer(42n)])),
    },
  ];
  const { engine } = solanaEngine(policy);
  assert.deepEqual(await engine.restore(records), { counted: 1, ignored: 1 });
  assert.equal(engine.view('hot').runtime.spend[0]?.spent, '42');
});

test('restore prefers the per-asset totals of a bounded audit record over its (truncated) transfer list', async () => {
  const { engine } = solanaEngine(policy);
  await engine.restore([
    {
      time: new Date(T0 - 1000).toISOString(),
      label: 'hot',
      decision: 'allow',
      // the record kept only the first transfer; totals has the whole amount
      intent: { transfers: [{ asset: 'native', amount: '1' }], totals: [{ asset: 'native', amount: '900' }] },
    },
  ]);
  assert.equal(engine.view('hot').runtime.spend.find((s) => s.asset === 'native')?.spent, '900');
  // an allow record whose totals are incomplete cannot be restored without undercounting: refused, nothing restored
  const fresh = solanaEngine(policy).engine;
  await assert.rejects(
    fresh.restore([{ time: T0 - 1000, label: 'hot', decision: 'allow', intent: { totals: [{ asset: 'native', amount: '1' }], totals_complete: false } }]),
    { code: 'config_invalid' },
  );
  assert.equal(fresh.view('hot').runtime.sign_counts.per_day.used, 0);
});

test('restore counts the fees the signer paid, as the allow did (a restart never lowers the spend below what was signed)', async () => {
  const { engine } = solanaEngine({ window_caps: { 'denom:uatom': '100000' } });
  const intent = (payer: string | undefined, fees = 1, kept = fees) => ({
    signer: 'me',
    totals: [{ asset: 'denom:uatom', amount: '1000' }],
    fees: Array.from({ length: kept }, () => ({ asset: 'denom:uatom', amount: '5000', ...(payer === undefined ? {} : { payer }) })),
    counts: { fees },
  });
  const summary = await engine.restore([
    { time: new Date(T0 - 1000).toISOString(), label: 'hot', decision: 'allow', intent: intent('me') },
    // a fee granted by someone else, or with no payer, only met fee_caps: it is not the key's spend
    { time: new Date(T0 - 1000).toISOString(), label: 'hot', decision: 'allow', intent: intent('granter') },
    { time: new Date(T0 - 1000).toISOString(), label: 'hot', decision: 'allow', intent: intent(undefined) },
  ]);
  assert.equal(summary.counted, 3);
  assert.deepEqual(
    engine
      .view('hot')
      .runtime.spend.filter((s) => s.asset === 'denom:uatom')
      .map((s) => s.spent),
    ['8000'],
  );
  // a record that kept fewer fees than the intent had cannot be restored exactly: fail closed
  await assert.rejects(
    solanaEngine({}).engine.restore([{ time: new Date(T0 - 1000).toISOString(), label: 'hot', decision: 'allow', intent: intent('me', 20, 16) }]),
    (e: { code?: string; context?: { path?: string } }) => e.code === 'config_invalid' && e.context?.path === 'intent.fees',
  );
});
