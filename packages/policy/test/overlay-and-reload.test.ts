import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OpenKmsError } from '@openkms/core';
import { PolicyEngine, RuntimeState, computePolicyVersion, parsePolicy } from '../src/index.js';
import { SOLANA_ALIASES, SYSTEM, solanaBase, solanaEngine, solanaTx, testClock, transfer } from './helpers.js';

test('effective policy = config ⊕ overlay, applied immediately', () => {
  const runtime = RuntimeState.inMemory();
  const { engine } = solanaEngine({ per_tx_caps: { native: '100', 'spl:A': '10' }, max_signs_per_minute: 5 }, { runtime });
  const v0 = engine.policyVersion('hot');
  assert.equal(engine.explain('hot', solanaTx([transfer(100n)])).allowed, true);
  engine.patchOverlay('hot', { per_tx_cap_lamports: '50' });
  const p = engine.effectivePolicy('hot');
  assert.deepEqual(p.per_tx_caps, { native: '50', 'spl:A': '10' }, 'cap maps merge per asset: the SPL cap is kept');
  assert.equal(p.max_signs_per_minute, 5);
  const d = engine.explain('hot', solanaTx([transfer(100n)]));
  assert.equal(d.message, 'per_tx_caps.native exceeded: cap=50 attempted=100 asset=native');
  assert.notEqual(d.policyVersion, v0, 'the policy version changes with the overlay');
  runtime.setOverlay('hot', { enabled: false });
  assert.equal(engine.explain('hot', solanaTx([transfer(1n)])).code, 'key_disabled');
  assert.equal(engine.view('hot').effective_enabled, false);
  runtime.clearOverlay('hot');
  assert.equal(engine.policyVersion('hot'), v0, 'same effective policy, same version');
});

test('policyVersion is the sha256 of the canonical effective policy (key order and defaults do not matter)', () => {
  const sol = { aliases: SOLANA_ALIASES };
  const a = parsePolicy({ per_tx_cap_lamports: '5', allowed_programs: [{ id: SYSTEM }] }, 'p', sol);
  const b = parsePolicy({ allowed_programs: [{ id: SYSTEM }], enabled: true, per_tx_caps: { native: '5' }, allow_unknown_instructions: false }, 'p');
  assert.equal(computePolicyVersion(a), computePolicyVersion(b));
  assert.notEqual(computePolicyVersion(a), computePolicyVersion(parsePolicy({ per_tx_cap_lamports: '6', allowed_programs: [{ id: SYSTEM }] }, 'p', sol)));
  const engine = new PolicyEngine({ keys: { k: { chain: 'solana', policy: a } } });
  assert.equal(engine.policyVersion('k'), computePolicyVersion(a));
});

test('reload keeps sign counts, spend, kill switches and overlays', () => {
  const clock = testClock();
  const runtime = RuntimeState.inMemory();
  const { engine } = solanaEngine({ max_signs_per_minute: 3, daily_cap_lamports: '100' }, { clock, runtime });
  for (let i = 0; i < 2; i++) engine.authorize('hot', solanaTx([transfer(30n)])).reservation!.commit();
  const pending = engine.authorize('hot', solanaTx([transfer(30n)])).reservation!;
  runtime.setGlobalEnabled(false);
  runtime.setGlobalEnabled(true);
  runtime.setOverlay('hot', { fee_caps: { native: '9000' } });
  engine.reload({
    hot: { chain: 'solana', policy: { ...solanaBase, max_signs_per_minute: 4, daily_cap_lamports: '100' }, aliases: SOLANA_ALIASES },
    cold: { chain: 'solana', policy: { enabled: false } },
  });
  const v = engine.view('hot');
  assert.equal(v.runtime.sign_counts.per_minute.used, 3, 'the rate limiter was not reset by the policy edit');
  assert.equal(v.runtime.sign_counts.per_minute.limit, 4);
  assert.equal(v.runtime.spend[0]?.spent, '90');
  assert.equal(v.policy.fee_caps.native, '9000', 'overlay still applies');
  assert.equal(engine.explain('hot', solanaTx([transfer(11n)])).code, 'window_cap_exceeded');
  pending.release();
  assert.equal(engine.view('hot').runtime.spend[0]?.spent, '60', 'a reservation taken before the reload can still be released');
  assert.deepEqual(engine.labels(), ['hot', 'cold']);
  // kill switch survives a reload
  runtime.setKeyEnabled('hot', false);
  engine.reload({ hot: { chain: 'solana', policy: solanaBase } });
  assert.equal(engine.explain('hot', solanaTx([transfer(1n)])).code, 'key_disabled');
  assert.equal(engine.hasKey('cold'), false);
});

test('an invalid new config throws config_invalid with the path and leaves the running one', () => {
  const { engine } = solanaEngine({ per_tx_cap_lamports: '10' });
  const before = engine.policyVersion('hot');
  assert.throws(
    () => engine.reload({ hot: { chain: 'solana', policy: { per_tx_caps: { native: 'ten' } } } }),
    (err: unknown) => err instanceof OpenKmsError && err.code === 'config_invalid' && err.context.path === 'keys.hot.policy.per_tx_caps.native',
  );
  assert.throws(() => engine.reload({ hot: { chain: '', policy: {} } }), { code: 'config_invalid' });
  assert.equal(engine.policyVersion('hot'), before);
  assert.equal(engine.explain('hot', solanaTx([transfer(11n)])).code, 'per_tx_cap_exceeded');
});

test('the constructor validates raw policies too, naming the dotted path', () => {
  assert.throws(
    () => new PolicyEngine({ keys: { 'solana-hot-0': { chain: 'solana', policy: { per_tx_caps: { native: '5 SOL' } } } } }),
    (err: unknown) => err instanceof OpenKmsError && err.context.path === 'keys.solana-hot-0.policy.per_tx_caps.native',
  );
});

test('kill switch and overlay changes made through a state file apply to a new engine after restart', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'openkms-policy-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'runtime.json');
  const first = solanaEngine({ per_tx_cap_lamports: '100' }, { runtime: RuntimeState.open(file) }).engine;
  first.runtime.setOverlay('hot', { per_tx_caps: { native: '10' } });
  first.runtime.setKeyEnabled('hot', false);
  const second = solanaEngine({ per_tx_cap_lamports: '100' }, { runtime: RuntimeState.open(file) }).engine;
  assert.equal(second.explain('hot', solanaTx([transfer(1n)])).code, 'key_disabled');
  second.runtime.setKeyEnabled('hot', true);
  assert.equal(second.explain('hot', solanaTx([transfer(11n)])).code, 'per_tx_cap_exceeded');
  assert.equal(second.view('hot').policy.per_tx_caps.native, '10');
});
