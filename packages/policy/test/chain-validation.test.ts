import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OpenKmsError } from '@openkms/core';
import { PolicyEngine, RuntimeState, checkPolicyIds, parsePolicy, policyIdRefs } from '../src/index.js';
import type { KeyPolicy, PolicyIdCheck } from '../src/index.js';
import { SOLANA_ALIASES, SYSTEM, solanaTx, transfer } from './helpers.js';

/** A stand-in for a chain plugin's id check: assets must be native or spl:<something starting with "Mint">. */
const check: PolicyIdCheck = (kind, value) => {
  if (kind === 'asset' && value !== 'native' && !/^spl:Mint/.test(value)) return `${value} is not an asset of this chain`;
  if (kind === 'address' && !value.startsWith('Addr')) return `${value} is not an address`;
  return undefined;
};
const validate = (policy: KeyPolicy, path: string) => checkPolicyIds(policy, path, check);

test('policyIdRefs lists every id of a policy with its dotted path and kind', () => {
  const p = parsePolicy(
    {
      per_tx_caps: { native: '1' },
      window_caps: { 'spl:MintA': '2' },
      allowed_programs: [{ id: SYSTEM }],
      allowed_messages: [{ type_url: '/m', allowed_recipients: ['r'], allowed_contracts: ['c'], allowed_methods: ['swap'], per_tx_cap: { 'denom:u': '1' } }],
      allowed_recipients: [{ program: SYSTEM, asset: 'native', addresses: ['Addr1'] }],
    },
    'keys.k.policy',
  );
  assert.deepEqual(
    policyIdRefs(p, 'keys.k.policy').map((r) => `${r.kind} ${r.path}`),
    [
      'asset keys.k.policy.per_tx_caps.native',
      'asset keys.k.policy.window_caps.spl:MintA',
      'program keys.k.policy.allowed_programs[0].id',
      'message_type keys.k.policy.allowed_messages[0].type_url',
      'address keys.k.policy.allowed_messages[0].allowed_recipients[0]',
      'contract keys.k.policy.allowed_messages[0].allowed_contracts[0]',
      'method keys.k.policy.allowed_messages[0].allowed_methods[0]',
      'asset keys.k.policy.allowed_messages[0].per_tx_cap.denom:u',
      'program keys.k.policy.allowed_recipients[0].program',
      'asset keys.k.policy.allowed_recipients[0].asset',
      'address keys.k.policy.allowed_recipients[0].addresses[0]',
    ],
  );
});

test('checkPolicyIds reports every bad id, not only the first', () => {
  const p = parsePolicy({ per_tx_caps: { 'denom:uatm': '1', 'spl:MintA': '1' }, allowed_recipients: [{ addresses: ['Addr1', 'bob', 'eve'] }] }, 'p');
  assert.deepEqual(
    checkPolicyIds(p, 'p', check).map((x) => x.path),
    ['p.per_tx_caps.denom:uatm', 'p.allowed_recipients[0].addresses[1]', 'p.allowed_recipients[0].addresses[2]'],
  );
});

test('the engine runs the key validation at construction and reload: config_invalid with the dotted path and every error', () => {
  const bad = { per_tx_caps: { 'denom:uatom': '1' }, allowed_recipients: [{ addresses: ['nobody'] }] };
  assert.throws(
    () => new PolicyEngine({ keys: { hot: { chain: 'solana', policy: bad, validate } } }),
    (err: unknown) => {
      assert.ok(err instanceof OpenKmsError);
      assert.equal(err.code, 'config_invalid');
      assert.equal(err.context.path, 'keys.hot.policy.per_tx_caps.denom:uatom');
      assert.equal((err.context.errors as string[]).length, 2);
      return true;
    },
  );
  const engine = new PolicyEngine({ keys: { hot: { chain: 'solana', policy: { per_tx_caps: { native: '5' } }, validate } } });
  assert.throws(() => engine.reload({ hot: { chain: 'solana', policy: bad, validate } }), { code: 'config_invalid' });
  assert.equal(engine.effectivePolicy('hot').per_tx_caps.native, '5', 'the running config stays');
});

test('patchOverlay folds the chain aliases and refuses an effective policy the key validation rejects (invalid_request, nothing stored)', () => {
  const runtime = RuntimeState.inMemory();
  const engine = new PolicyEngine({
    keys: { hot: { chain: 'solana', policy: { per_tx_caps: { native: '100' }, allowed_programs: [{ id: SYSTEM }] }, aliases: SOLANA_ALIASES, validate } },
    runtime,
  });
  assert.deepEqual(engine.patchOverlay('hot', { per_tx_cap_lamports: '50' }), { per_tx_caps: { native: '50' } });
  assert.equal(engine.explain('hot', solanaTx([transfer(60n)])).code, 'per_tx_cap_exceeded');
  for (const [patch, path] of [
    [{ window_caps: { 'erc20:0xabc': '1' } }, 'window_caps.erc20:0xabc'],
    [{ allowed_recipients: [{ addresses: ['Addr1', 'x'] }] }, 'allowed_recipients[0].addresses[1]'],
    [{ daily_cap_lamports: 'lots' }, 'daily_cap_lamports'],
    [{ per_tx_cap_lamport: '1' }, 'per_tx_cap_lamport'],
  ] as const) {
    assert.throws(
      () => engine.patchOverlay('hot', patch),
      (err: unknown) => err instanceof OpenKmsError && err.code === 'invalid_request' && err.context.path === path,
      JSON.stringify(patch),
    );
  }
  assert.deepEqual(runtime.getOverlay('hot'), { per_tx_caps: { native: '50' } }, 'refused patches changed nothing');
  assert.throws(() => engine.patchOverlay('nope', {}), { code: 'unknown_label' });
});

test('a stored overlay that no longer passes the key validation stops construction', () => {
  const runtime = RuntimeState.inMemory({ version: 1, global_enabled: true, keys: { hot: { overlay: { per_tx_caps: { 'denom:uatom': '1' } } } } });
  assert.throws(
    () => new PolicyEngine({ keys: { hot: { chain: 'solana', policy: {}, validate } }, runtime }),
    (err: unknown) => err instanceof OpenKmsError && err.code === 'config_invalid' && err.context.path === 'keys.hot.policy.per_tx_caps.denom:uatom',
  );
});
