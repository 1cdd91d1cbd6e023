import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Intent } from '@openkms/core';
import { PolicyEngine, parsePolicy } from '../src/index.js';
import { makeIntent, testClock } from './helpers.js';

// allowed_contracts (direct contract calls, EVM) and allowed_flags (risk flags)

const USDC = '0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48';
const usdc = USDC.toLowerCase();
const ALICE = '0x00000000000000000000000000000000000A11CE';

function evmEngine(policy: Record<string, unknown>) {
  // the token moved in these intents is capped (uncapped assets are denied by default), so only the rules under test decide
  const capped = { per_tx_caps: { [`erc20:${usdc}`]: (2n ** 256n - 1n).toString() }, ...policy };
  return new PolicyEngine({ keys: { eth: { chain: 'evm', policy: capped } }, now: testClock().now });
}

/** An ERC-20 call as @openkms/evm describes it: lower-case addresses, the call in `contracts`, the contract as program. */
function erc20Call(method: string, selector: string, amount: bigint, extra: Partial<Intent> = {}): Intent {
  return makeIntent({
    chain: 'evm',
    network: '1',
    signer: '0x1111111111111111111111111111111111111111',
    actions: [{ program: usdc, kind: method, known: true }],
    programs: [usdc],
    contracts: [{ contract: usdc, method, selector, via: usdc }],
    transfers: [{ asset: `erc20:${usdc}`, amount, from: '0x1111111111111111111111111111111111111111', to: ALICE.toLowerCase(), via: usdc }],
    fees: [{ asset: 'native', amount: 21000n }],
    ...extra,
  });
}

test('allowed_contracts: absent → every direct contract call is contract_not_allowed (not program_not_allowed)', () => {
  const d = evmEngine({}).explain('eth', erc20Call('transfer', '0xa9059cbb', 1n));
  assert.equal(d.code, 'contract_not_allowed');
  assert.match(d.message!, new RegExp(`contract ${usdc} is not in allowed_contracts`));
  // the contract is not also demanded in allowed_programs
  assert.equal(d.rules.find((r) => r.rule === 'allowed_programs')!.ok, true);
});

test('allowed_contracts: a method is allowed by name or by selector; the address compares case-insensitively', () => {
  const byName = evmEngine({ allowed_contracts: [{ address: USDC, methods: ['transfer'] }] });
  assert.equal(byName.explain('eth', erc20Call('transfer', '0xa9059cbb', 1n)).allowed, true);
  const approve = byName.explain('eth', erc20Call('approve', '0x095ea7b3', 1n));
  assert.equal(approve.code, 'method_not_allowed_by_policy');
  assert.match(approve.message!, /method approve \(0x095ea7b3\)/);

  const bySelector = evmEngine({ allowed_contracts: [{ address: usdc, methods: ['0x095EA7B3'] }] });
  assert.equal(bySelector.explain('eth', erc20Call('approve', '0x095ea7b3', 1n)).allowed, true);
  // an unnamed selector (a method the plugin does not know) matches its selector only
  const unnamed = erc20Call('x', '0xdeadbeef', 0n, { contracts: [{ contract: usdc, selector: '0xdeadbeef', via: usdc }] });
  assert.equal(bySelector.explain('eth', unnamed).code, 'method_not_allowed_by_policy');
  assert.equal(evmEngine({ allowed_contracts: [{ address: usdc, methods: ['*'] }] }).explain('eth', unnamed).allowed, true);
  assert.equal(
    evmEngine({ allowed_contracts: [{ address: usdc, methods: [] }] }).explain('eth', erc20Call('transfer', '0xa9059cbb', 1n)).code,
    'method_not_allowed_by_policy',
  );
});

test('allowed_contracts does not apply to calls made through a message type (allowed_messages governs those)', () => {
  const cw = makeIntent({
    chain: 'cosmos',
    messageTypes: ['/cosmwasm.wasm.v1.MsgExecuteContract'],
    actions: [{ program: '/cosmwasm.wasm.v1.MsgExecuteContract', kind: 'MsgExecuteContract', known: true }],
    contracts: [{ contract: 'cosmos1contract', method: 'swap', via: '/cosmwasm.wasm.v1.MsgExecuteContract' }],
  });
  const engine = new PolicyEngine({
    keys: { atom: { chain: 'cosmos', policy: { allowed_messages: [{ type_url: '/cosmwasm.wasm.v1.MsgExecuteContract' }] } } },
  });
  assert.equal(engine.explain('atom', cw).allowed, true);
});

test('EVM addresses in caps, recipients and assets are normalised to lower case; a case-duplicate asset is an error', () => {
  const p = parsePolicy(
    {
      per_tx_caps: { [`erc20:${USDC}`]: '10' },
      allowed_recipients: [
        { asset: `erc20:${USDC}`, addresses: [ALICE] },
        { program: USDC, addresses: [ALICE] },
      ],
      allowed_contracts: [{ address: USDC, methods: ['transfer', '0xA9059CBB'] }],
    },
    'keys.eth.policy',
  );
  assert.deepEqual(Object.keys(p.per_tx_caps), [`erc20:${usdc}`]);
  assert.deepEqual(p.allowed_recipients[0], { asset: `erc20:${usdc}`, addresses: [ALICE.toLowerCase()] });
  assert.deepEqual(p.allowed_recipients[1], { program: usdc, addresses: [ALICE.toLowerCase()] });
  assert.deepEqual(p.allowed_contracts, [{ address: usdc, methods: ['transfer', '0xa9059cbb'] }]);
  const engine = evmEngine(p as unknown as Record<string, unknown>);
  assert.equal(engine.explain('eth', erc20Call('transfer', '0xa9059cbb', 10n)).allowed, true);
  const over = engine.explain('eth', erc20Call('transfer', '0xa9059cbb', 11n));
  assert.equal(over.code, 'per_tx_cap_exceeded');
  const elsewhere = engine.explain(
    'eth',
    erc20Call('transfer', '0xa9059cbb', 1n, { transfers: [{ asset: `erc20:${usdc}`, amount: 1n, from: 'x', to: '0x' + 'b'.repeat(40), via: usdc }] }),
  );
  assert.equal(elsewhere.code, 'recipient_not_allowed');
  assert.throws(
    () => parsePolicy({ per_tx_caps: { [`erc20:${USDC}`]: '10', [`erc20:${usdc}`]: '99' } }, 'p'),
    (e: { code: string; context: { path: string } }) => e.code === 'config_invalid' && e.context.path === `p.per_tx_caps.erc20:${usdc}`,
  );
  // Solana and Cosmos ids are left alone
  assert.deepEqual(
    parsePolicy({ allowed_recipients: [{ addresses: ['9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin'] }] }, 'p').allowed_recipients[0]!.addresses,
    ['9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin'],
  );
});

test('allowed_contracts entries are validated with their path; methods is required', () => {
  const bad = (v: unknown, path: string) =>
    assert.throws(
      () => parsePolicy({ allowed_contracts: v }, 'k'),
      (e: { code: string; context: { path: string } }) => e.code === 'config_invalid' && e.context.path === path,
    );
  bad([{ address: 'nope', methods: [] }], 'k.allowed_contracts[0].address');
  bad([{ address: USDC }], 'k.allowed_contracts[0].methods');
  bad([{ address: USDC, methods: ['0x123'] }], 'k.allowed_contracts[0].methods[0]');
  bad([{ address: USDC, methods: [], extra: 1 }], 'k.allowed_contracts[0].extra');
  bad(
    [
      { address: USDC, methods: [] },
      { address: usdc, methods: [] },
    ],
    'k.allowed_contracts[1].address',
  );
  bad({}, 'k.allowed_contracts');
  assert.throws(() => parsePolicy({ allowed_flags: ['Bad Flag'] }, 'k'), /k\.allowed_flags\[0\]/);
});

test('allowed_flags: every risk flag denies (flag_not_allowed) unless listed; unknown flags too; decoding flags keep their rules', () => {
  const flagged = (flags: string[]) => erc20Call('approve', '0x095ea7b3', 2n ** 256n - 1n, { flags: flags as Intent['flags'] });
  const policy = { allowed_contracts: [{ address: USDC, methods: ['approve'] }] };
  const d = evmEngine(policy).explain('eth', flagged(['unlimited_approval']));
  assert.equal(d.code, 'flag_not_allowed');
  assert.equal(d.kind, 'forbidden');
  assert.match(d.message!, /flagged unlimited_approval/);
  assert.equal(evmEngine({ ...policy, allowed_flags: ['unlimited_approval'] }).explain('eth', flagged(['unlimited_approval'])).allowed, true);
  assert.equal(
    evmEngine({ ...policy, allowed_flags: ['unlimited_approval'] }).explain('eth', flagged(['unlimited_approval', 'some_future_flag'])).code,
    'flag_not_allowed',
  );
  const undecodable = evmEngine({ ...policy, allowed_flags: ['undecodable'] }).explain('eth', flagged(['undecodable']));
  assert.equal(undecodable.code, 'undecodable_denied');
  assert.equal(undecodable.rules.find((r) => r.rule === 'allowed_flags')!.ok, true);
});

test('allowed_contracts and allowed_flags can be set by an overlay (lists replace)', () => {
  const engine = evmEngine({});
  engine.runtime.setOverlay('eth', { allowed_contracts: [{ address: usdc, methods: ['transfer'] }], allowed_flags: ['nft_transfer'] });
  assert.equal(engine.explain('eth', erc20Call('transfer', '0xa9059cbb', 1n, { flags: ['nft_transfer'] })).allowed, true);
});
