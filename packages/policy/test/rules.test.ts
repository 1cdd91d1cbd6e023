import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PolicyEngine, RuntimeState } from '../src/index.js';
import {
  COMPUTE,
  COSMOS_ALIASES,
  MSG_EXEC,
  SOLANA_ALIASES,
  MSG_SEND,
  SYSTEM,
  TOKEN,
  cosmosTx,
  makeIntent,
  ruleOf,
  solanaEngine,
  solanaTx,
  testClock,
  transfer,
} from './helpers.js';

const RULES = [
  'global_enabled',
  'key_enabled',
  'chain',
  'decodable',
  'accounts_resolved',
  'unknown_instructions',
  'allowed_flags',
  'allowed_programs',
  'allowed_instructions',
  'allowed_messages',
  'allowed_recipients',
  'allowed_contracts',
  'allowed_methods',
  'allowed_channels',
  'contract_calls',
  'uncapped_assets',
  'per_tx_caps',
  'allowed_messages.per_tx_cap',
  'fee_caps',
  'max_signs_per_minute',
  'max_signs_per_hour',
  'max_signs_per_day',
  'window_caps',
];

/** A Cosmos key whose tests are about other rules than uncapped assets (those are allowed explicitly here). */
function cosmosEngine(policy: Record<string, unknown>) {
  return new PolicyEngine({
    keys: { atom: { chain: 'cosmos', policy: { deny_uncapped_assets: false, ...policy }, aliases: COSMOS_ALIASES } },
    now: testClock().now,
  });
}

test('an allowed decision lists every rule, in evaluation order, all ok', () => {
  const { engine } = solanaEngine({ per_tx_cap_lamports: '10' });
  const d = engine.explain('hot', solanaTx([transfer(5n)]));
  assert.equal(d.allowed, true);
  assert.equal(d.kind, 'allow');
  assert.equal(d.code, undefined);
  assert.deepEqual(
    d.rules.map((r) => r.rule),
    RULES,
  );
  assert.ok(d.rules.every((r) => r.ok));
  assert.match(d.policyVersion, /^[0-9a-f]{64}$/);
});

test('decisions are JSON-safe (amounts as strings), allowed or not', () => {
  const { engine } = solanaEngine({
    allowed_recipients: [{ asset: 'native', addresses: ['Alice'] }],
    per_tx_cap_lamports: '10',
    daily_cap_lamports: '20',
    fee_caps: { native: '5000' },
    max_signs_per_minute: 1,
  });
  engine.authorize('hot', solanaTx([transfer(5n)])).reservation!.commit();
  const d = engine.explain(
    'hot',
    solanaTx([transfer(50n, 'X')], { flags: ['unknown_instruction'], programs: [SYSTEM, 'Other'], fees: [{ asset: 'native', amount: 6000n }] }),
  );
  assert.deepEqual(
    d.rules.filter((r) => !r.ok).map((r) => r.rule),
    ['unknown_instructions', 'allowed_programs', 'allowed_recipients', 'per_tx_caps', 'fee_caps', 'max_signs_per_minute', 'window_caps'],
  );
  assert.deepEqual(JSON.parse(JSON.stringify(d)), d);
});

test('global kill switch → global_disabled (forbidden); every other rule is still evaluated', () => {
  const runtime = RuntimeState.inMemory();
  const { engine } = solanaEngine({}, { runtime });
  runtime.setGlobalEnabled(false);
  const d = engine.explain('hot', solanaTx([transfer(1n)]));
  assert.equal(d.allowed, false);
  assert.equal(d.kind, 'forbidden');
  assert.equal(d.code, 'global_disabled');
  assert.equal(d.rules.length, RULES.length);
  assert.equal(ruleOf(d, 'allowed_programs').ok, true);
});

test('per-key kill switch and enabled = false → key_disabled', () => {
  const runtime = RuntimeState.inMemory();
  const { engine } = solanaEngine({}, { runtime });
  runtime.setKeyEnabled('hot', false);
  let d = engine.explain('hot', solanaTx([transfer(1n)]));
  assert.equal(d.code, 'key_disabled');
  assert.match(d.message!, /kill switch/);
  runtime.setKeyEnabled('hot', true);
  assert.equal(engine.explain('hot', solanaTx([transfer(1n)])).allowed, true);
  d = solanaEngine({ enabled: false }).engine.explain('hot', solanaTx([transfer(1n)]));
  assert.equal(d.code, 'key_disabled');
  assert.match(d.message!, /enabled = false/);
});

test('an intent for another chain → wrong_chain', () => {
  const { engine } = solanaEngine({});
  const d = engine.explain('hot', makeIntent({ chain: 'cosmos' }));
  assert.equal(d.code, 'wrong_chain');
});

test('undecodable and unresolved_accounts flags always deny, even with allow_unknown_instructions', () => {
  const { engine } = solanaEngine({ allow_unknown_instructions: true });
  let d = engine.explain('hot', solanaTx([transfer(1n)], { flags: ['undecodable'] }));
  assert.equal(d.code, 'undecodable_denied');
  assert.equal(ruleOf(d, 'decodable').ok, false);
  d = engine.explain('hot', solanaTx([transfer(1n)], { flags: ['unresolved_accounts'] }));
  assert.equal(d.code, 'undecodable_denied');
  assert.equal(ruleOf(d, 'accounts_resolved').ok, false);
  assert.match(d.message!, /lookup table/);
});

test('negative or non-bigint amounts in an intent deny (a plugin bug never becomes an allow)', () => {
  const { engine } = solanaEngine({ per_tx_cap_lamports: '10' });
  let d = engine.explain('hot', solanaTx([transfer(-100n), transfer(50n)]));
  assert.equal(d.code, 'undecodable_denied');
  d = engine.explain('hot', solanaTx([transfer(1n)], { fees: [{ asset: 'native', amount: 5 as unknown as bigint }] }));
  assert.equal(d.code, 'undecodable_denied');
});

test('unknown instructions deny by default (known=false or the flag) and are allowed only explicitly', () => {
  const unknownAction = solanaTx([transfer(1n)], {
    actions: [
      { program: SYSTEM, kind: 'transfer', known: true },
      { program: SYSTEM, kind: 'unknown', known: false },
    ],
  });
  const flagged = solanaTx([transfer(1n)], { flags: ['unknown_instruction'] });
  const strict = solanaEngine({}).engine;
  for (const intent of [unknownAction, flagged]) {
    const d = strict.explain('hot', intent);
    assert.equal(d.code, 'unknown_instruction_denied');
  }
  const lax = solanaEngine({ allow_unknown_instructions: true }).engine;
  assert.equal(lax.explain('hot', unknownAction).allowed, true);
  // allowing unknown instructions does not allow unknown programs
  const other = solanaTx([transfer(1n)], { programs: [SYSTEM, 'Evil111'], actions: [{ program: 'Evil111', kind: 'unknown', known: false }] });
  assert.equal(lax.explain('hot', other).code, 'program_not_allowed');
});

test('allowed_programs: every program must be listed; absent list allows no program', () => {
  const { engine } = solanaEngine({});
  let d = engine.explain(
    'hot',
    solanaTx([transfer(1n)], { programs: [SYSTEM, COMPUTE], actions: [{ program: COMPUTE, kind: 'set_compute_unit_price', known: true }] }),
  );
  assert.equal(d.code, 'program_not_allowed');
  assert.equal(d.message, `program ${COMPUTE} is not in allowed_programs`);
  // a program only present in actions (missing from intent.programs) is still checked
  d = engine.explain('hot', solanaTx([transfer(1n)], { programs: [SYSTEM], actions: [{ program: COMPUTE, kind: 'x', known: true }] }));
  assert.equal(d.code, 'program_not_allowed');
  const none = new PolicyEngine({ keys: { k: { chain: 'solana', policy: {} } } });
  assert.equal(none.explain('k', solanaTx([transfer(1n)])).code, 'program_not_allowed');
  assert.equal(none.explain('k', makeIntent()).allowed, true, 'a transaction that invokes nothing (e.g. an off-chain message) passes');
});

test('allowed_messages: every message type must be listed; absent list allows no message', () => {
  const engine = cosmosEngine({ allowed_messages: [{ type_url: MSG_SEND }] });
  assert.equal(engine.explain('atom', cosmosTx([transfer(1n, 'cosmos1a', 'denom:uatom', MSG_SEND)])).allowed, true);
  const d = engine.explain('atom', cosmosTx([transfer(1n, 'cosmos1a', 'denom:uatom', '/cosmos.staking.v1beta1.MsgDelegate')]));
  assert.equal(d.code, 'message_not_allowed');
  assert.match(d.message!, /MsgDelegate is not in allowed_messages/);
  assert.equal(cosmosEngine({}).explain('atom', cosmosTx([transfer(1n, 'cosmos1a', 'denom:uatom', MSG_SEND)])).code, 'message_not_allowed');
});

test('type URLs listed in both intent.programs and intent.messageTypes are checked as messages only', () => {
  const engine = cosmosEngine({ allowed_messages: [{ type_url: MSG_SEND }] });
  const tx = cosmosTx([transfer(1n, 'cosmos1a', 'denom:uatom', MSG_SEND)], { programs: [MSG_SEND] });
  const d = engine.explain('atom', tx);
  assert.equal(d.allowed, true, d.message);
  assert.deepEqual(ruleOf(d, 'allowed_programs').detail?.checked, []);
  assert.deepEqual(ruleOf(d, 'allowed_messages').detail?.checked, [MSG_SEND]);
});

test('allowed_recipients per program and per asset; every applicable entry must allow', () => {
  const { engine } = solanaEngine({
    allowed_programs: [{ id: SYSTEM }, { id: TOKEN }],
    allowed_recipients: [
      { program: SYSTEM, addresses: ['Alice', 'Bob'] },
      { asset: 'spl:MintA', addresses: ['Carol'] },
    ],
  });
  assert.equal(engine.explain('hot', solanaTx([transfer(1n, 'Bob')])).allowed, true);
  let d = engine.explain('hot', solanaTx([transfer(1n, 'Mallory')]));
  assert.equal(d.code, 'recipient_not_allowed');
  assert.match(d.message!, /to Mallory is not in allowed_recipients\[0\]/);
  assert.equal(engine.explain('hot', solanaTx([transfer(1n, 'Carol', 'spl:MintA', TOKEN)])).allowed, true);
  d = engine.explain('hot', solanaTx([transfer(1n, 'Alice', 'spl:MintA', TOKEN)]));
  assert.equal(d.code, 'recipient_not_allowed', 'the asset entry applies to SPL transfers whatever the program');
  // an asset without an entry and a program without an entry: unrestricted
  assert.equal(engine.explain('hot', solanaTx([transfer(1n, 'Anyone', 'spl:MintB', TOKEN)])).allowed, true);
  // every violation is listed in the detail
  d = engine.explain('hot', solanaTx([transfer(1n, 'X'), transfer(1n, 'Y')]));
  assert.equal((ruleOf(d, 'allowed_recipients').detail?.violations as string[]).length, 2);
});

test('allowed_messages[].allowed_recipients is enforced for transfers via that type URL', () => {
  const engine = cosmosEngine({ allowed_messages: [{ type_url: MSG_SEND, allowed_recipients: ['cosmos1good'] }] });
  assert.equal(engine.explain('atom', cosmosTx([transfer(1n, 'cosmos1good', 'denom:uatom', MSG_SEND)])).allowed, true);
  const d = engine.explain('atom', cosmosTx([transfer(1n, 'cosmos1bad', 'denom:uatom', MSG_SEND)]));
  assert.equal(d.code, 'recipient_not_allowed');
  assert.match(d.message!, /allowed_messages\[\/cosmos.bank.v1beta1.MsgSend\].allowed_recipients/);
  // an empty list allows nobody
  const empty = cosmosEngine({ allowed_messages: [{ type_url: MSG_SEND, allowed_recipients: [] }] });
  assert.equal(empty.explain('atom', cosmosTx([transfer(1n, 'cosmos1good', 'denom:uatom', MSG_SEND)])).code, 'recipient_not_allowed');
});

function execTx(contract: string, method?: string) {
  return makeIntent({
    chain: 'cosmos',
    messageTypes: [MSG_EXEC],
    actions: [{ program: MSG_EXEC, kind: 'MsgExecuteContract', known: true }],
    contracts: [{ contract, ...(method === undefined ? {} : { method }), via: MSG_EXEC }],
  });
}

test('allowed_messages[].allowed_contracts → contract_not_allowed', () => {
  const engine = cosmosEngine({ allowed_messages: [{ type_url: MSG_EXEC, allowed_contracts: ['cosmos1pool'] }] });
  assert.equal(engine.explain('atom', execTx('cosmos1pool', 'swap')).allowed, true);
  const d = engine.explain('atom', execTx('cosmos1evil', 'swap'));
  assert.equal(d.code, 'contract_not_allowed');
  assert.match(d.message!, /cosmos1evil/);
});

test('allowed_messages[].allowed_methods → method_not_allowed_by_policy (a missing method denies)', () => {
  const engine = cosmosEngine({ allowed_messages: [{ type_url: MSG_EXEC, allowed_contracts: ['cosmos1pool'], allowed_methods: ['swap'] }] });
  assert.equal(engine.explain('atom', execTx('cosmos1pool', 'swap')).allowed, true);
  let d = engine.explain('atom', execTx('cosmos1pool', 'withdraw_all'));
  assert.equal(d.code, 'method_not_allowed_by_policy');
  assert.match(d.message!, /withdraw_all/);
  d = engine.explain('atom', execTx('cosmos1pool'));
  assert.equal(d.code, 'method_not_allowed_by_policy');
  // contract and method both wrong: first failing rule wins, both verdicts recorded
  d = engine.explain('atom', execTx('cosmos1evil', 'drain'));
  assert.equal(d.code, 'contract_not_allowed');
  assert.equal(ruleOf(d, 'allowed_methods').ok, false);
});

test('uncapped assets are denied by default (uncapped_asset_denied); deny_uncapped_assets = false allows them', () => {
  const policy = { allowed_programs: [{ id: SYSTEM }, { id: TOKEN }], per_tx_cap_lamports: '100' };
  // no deny_uncapped_assets in the policy at all: the default applies
  const byDefault = new PolicyEngine({ keys: { hot: { chain: 'solana', policy, aliases: SOLANA_ALIASES } }, now: testClock().now });
  let d = byDefault.explain('hot', solanaTx([transfer(10n ** 30n, 'Alice', 'spl:MintX', TOKEN)]));
  assert.equal(d.code, 'uncapped_asset_denied');
  assert.equal(d.rule, 'uncapped_assets');
  assert.equal(ruleOf(d, 'uncapped_assets').detail?.asset, 'spl:MintX');
  // a typo in a cap's asset id does not remove the limit: the real asset is still uncapped, so denied
  const typo = new PolicyEngine({ keys: { hot: { chain: 'solana', policy: { ...policy, per_tx_caps: { 'spl:MintY': '5' } }, aliases: SOLANA_ALIASES } } });
  assert.equal(typo.explain('hot', solanaTx([transfer(1n, 'Alice', 'spl:MintX', TOKEN)])).code, 'uncapped_asset_denied');
  const lax = solanaEngine({ ...policy, deny_uncapped_assets: false }).engine;
  d = lax.explain('hot', solanaTx([transfer(10n ** 30n, 'Alice', 'spl:MintX', TOKEN)]));
  assert.equal(d.allowed, true);
  assert.deepEqual(ruleOf(d, 'uncapped_assets').detail?.uncapped, ['spl:MintX']);
  const strict = solanaEngine({ ...policy, deny_uncapped_assets: true }).engine;
  d = strict.explain('hot', solanaTx([transfer(1n, 'Alice', 'spl:MintX', TOKEN)]));
  assert.equal(d.code, 'uncapped_asset_denied');
  assert.equal(strict.explain('hot', solanaTx([transfer(1n)])).allowed, true, 'native is capped');
  // an asset with only a window cap counts as capped
  const win = solanaEngine({ ...policy, deny_uncapped_assets: true, window_caps: { 'spl:MintX': '5' } }).engine;
  assert.equal(win.explain('hot', solanaTx([transfer(1n, 'Alice', 'spl:MintX', TOKEN)])).allowed, true);
});

test('per_tx_caps → per_tx_cap_exceeded with a precise message', () => {
  const { engine } = solanaEngine({ per_tx_caps: { native: '5000000000' } });
  assert.equal(engine.explain('hot', solanaTx([transfer(5_000_000_000n)])).allowed, true, 'the cap itself is allowed');
  const d = engine.explain('hot', solanaTx([transfer(7_000_000_000n), transfer(5_000_000_000n, 'Bob')]));
  assert.equal(d.code, 'per_tx_cap_exceeded');
  assert.equal(d.kind, 'forbidden');
  assert.equal(d.message, 'per_tx_caps.native exceeded: cap=5000000000 attempted=12000000000 asset=native');
  // the failing rule names what failed in flat fields (the signer copies them into its 403 body)
  assert.equal(d.rule, 'per_tx_caps');
  const detail = ruleOf(d, 'per_tx_caps').detail!;
  assert.deepEqual([detail.asset, detail.cap, detail.attempted], ['native', '5000000000', '12000000000']);
});

test('allowed_messages[].per_tx_cap is enforced per denom for transfers via that type URL', () => {
  const engine = cosmosEngine({ allowed_messages: [{ type_url: MSG_SEND, per_tx_cap: { uatom: '1000' } }] });
  assert.equal(engine.explain('atom', cosmosTx([transfer(1000n, 'a', 'denom:uatom', MSG_SEND)])).allowed, true);
  const d = engine.explain('atom', cosmosTx([transfer(600n, 'a', 'denom:uatom', MSG_SEND), transfer(600n, 'b', 'denom:uatom', MSG_SEND)]));
  assert.equal(d.code, 'per_tx_cap_exceeded');
  assert.equal(d.message, `allowed_messages[${MSG_SEND}].per_tx_cap.denom:uatom exceeded: cap=1000 attempted=1200 asset=denom:uatom`);
  const detail = ruleOf(d, 'allowed_messages.per_tx_cap').detail!;
  assert.deepEqual([detail.type_url, detail.asset, detail.cap, detail.attempted], [MSG_SEND, 'denom:uatom', '1000', '1200']);
  // other denoms are not summed into uatom
  assert.equal(
    engine.explain('atom', cosmosTx([transfer(900n, 'a', 'denom:uatom', MSG_SEND), transfer(10n ** 20n, 'a', 'denom:uosmo', MSG_SEND)])).allowed,
    true,
  );
});

test('fee_caps → fee_cap_exceeded', () => {
  const { engine } = solanaEngine({ fee_caps: { native: '10000' } });
  assert.equal(engine.explain('hot', solanaTx([transfer(1n)])).allowed, true);
  const d = engine.explain(
    'hot',
    solanaTx([transfer(1n)], {
      fees: [
        { asset: 'native', amount: 5000n },
        { asset: 'native', amount: 6000n },
      ],
    }),
  );
  assert.equal(d.code, 'fee_cap_exceeded');
  assert.equal(d.message, 'fee_caps.native exceeded: cap=10000 attempted=11000 asset=native');
});

test('max_signs_per_minute|hour|day → rate_limited (limited, retryAfterSeconds)', () => {
  for (const [field, windowSecs] of [
    ['max_signs_per_minute', 60],
    ['max_signs_per_hour', 3600],
    ['max_signs_per_day', 86400],
  ] as const) {
    const { engine, clock } = solanaEngine({ [field]: 2 });
    engine.authorize('hot', solanaTx([transfer(1n)])).reservation!.commit();
    clock.advance(10_000);
    engine.authorize('hot', solanaTx([transfer(1n)])).reservation!.commit();
    clock.advance(5_000);
    const { decision: d, reservation } = engine.authorize('hot', solanaTx([transfer(1n)]));
    assert.equal(reservation, undefined);
    assert.equal(d.code, 'rate_limited', field);
    assert.equal(d.kind, 'limited');
    assert.equal(d.retryAfterSeconds, windowSecs - 15, `${field}: the oldest signature leaves the window first`);
    assert.deepEqual(ruleOf(d, field).detail, { limit: 2, used: 2, window_secs: windowSecs, retry_after_secs: windowSecs - 15 });
    assert.equal(d.rule, field, 'the decision names the failing rule');
    clock.advance((windowSecs - 15) * 1000);
    assert.equal(engine.explain('hot', solanaTx([transfer(1n)])).allowed, true, field);
  }
});

test('window_caps → window_cap_exceeded (limited), or tx_exceeds_window_cap (forbidden) when one transaction alone is above the cap', () => {
  const { engine, clock } = solanaEngine({ daily_cap_lamports: '100' });
  engine.authorize('hot', solanaTx([transfer(60n)])).reservation!.commit();
  clock.advance(3_600_000);
  const d = engine.authorize('hot', solanaTx([transfer(50n)])).decision;
  assert.equal(d.code, 'window_cap_exceeded');
  assert.equal(d.kind, 'limited');
  assert.equal(d.retryAfterSeconds, 23 * 3600);
  assert.match(d.message!, /^window_caps.native exceeded: cap=100 spent=60 attempted=50 asset=native/);
  const detail = ruleOf(d, 'window_caps').detail!;
  assert.deepEqual(
    { asset: detail.asset, cap: detail.cap, spent: detail.spent, attempted: detail.attempted, remaining: detail.remaining, retry: detail.retry_after_secs },
    { asset: 'native', cap: '100', spent: '60', attempted: '50', remaining: '40', retry: 23 * 3600 },
  );
  const big = engine.explain('hot', solanaTx([transfer(101n)]));
  assert.equal(big.code, 'tx_exceeds_window_cap');
  assert.equal(big.kind, 'forbidden');
  assert.equal(big.retryAfterSeconds, undefined);
});

test('a forbidden failure outranks a limit, and the first failing rule gives the code', () => {
  const { engine, clock } = solanaEngine({ max_signs_per_minute: 1, per_tx_cap_lamports: '10' });
  engine.authorize('hot', solanaTx([transfer(1n)])).reservation!.commit();
  clock.advance(1000);
  const d = engine.explain('hot', solanaTx([transfer(11n, 'Alice')], { programs: [SYSTEM, 'Evil'] }));
  assert.equal(d.code, 'program_not_allowed');
  assert.equal(d.kind, 'forbidden');
  assert.equal(d.retryAfterSeconds, undefined);
  assert.deepEqual(
    d.rules.filter((r) => !r.ok).map((r) => r.rule),
    ['allowed_programs', 'per_tx_caps', 'max_signs_per_minute'],
  );
});

test('an unknown label throws unknown_label', () => {
  const { engine } = solanaEngine({});
  assert.throws(() => engine.authorize('nope', makeIntent()), { code: 'unknown_label' });
  assert.throws(() => engine.explain('nope', makeIntent()), { code: 'unknown_label' });
  assert.throws(() => engine.view('nope'), { code: 'unknown_label' });
});
