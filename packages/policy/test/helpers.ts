import type { Intent, IntentAction, PolicyAliases, Transfer } from '@openkms/core';
import { PolicyEngine, RuntimeState } from '../src/index.js';
import type { PolicyStateStore } from '../src/index.js';

export const SYSTEM = '11111111111111111111111111111111';
export const TOKEN = 'TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA';
export const COMPUTE = 'ComputeBudget111111111111111111111111111111';
export const MSG_SEND = '/cosmos.bank.v1beta1.MsgSend';
export const MSG_EXEC = '/cosmwasm.wasm.v1.MsgExecuteContract';
export const T0 = Date.parse('2025-03-01T12:00:00.000Z');

export function makeIntent(partial: Partial<Intent> = {}): Intent {
  return {
    chain: 'solana',
    signer: 'Signer1111',
    actions: [],
    programs: [],
    messageTypes: [],
    contracts: [],
    transfers: [],
    fees: [],
    flags: [],
    ...partial,
  };
}

export function transfer(amount: bigint, to = 'Alice', asset = 'native', via = SYSTEM): Transfer {
  return { asset, amount, from: 'Signer1111', to, via };
}

/** A Solana transaction with the given transfers, invoking their programs (System by default). */
export function solanaTx(transfers: Transfer[], extra: Partial<Intent> = {}): Intent {
  const programs = [...new Set(transfers.map((t) => t.via))];
  const actions: IntentAction[] = transfers.map((t) => ({ program: t.via, kind: 'transfer', known: true }));
  return makeIntent({ programs, actions, transfers, fees: [{ asset: 'native', amount: 5000n }], ...extra });
}

/** A Cosmos transaction: one MsgSend per transfer (asset denom:<denom>). */
export function cosmosTx(transfers: Transfer[], extra: Partial<Intent> = {}): Intent {
  const types = [...new Set(transfers.map((t) => t.via))];
  return makeIntent({
    chain: 'cosmos',
    signer: 'cosmos1signer',
    messageTypes: types,
    actions: transfers.map((t) => ({ program: t.via, kind: 'MsgSend', known: true })),
    transfers,
    fees: [{ asset: 'denom:uatom', amount: 5000n }],
    ...extra,
  });
}

export interface TestClock {
  now: () => number;
  advance(ms: number): void;
  set(t: number): void;
}

export function testClock(start = T0): TestClock {
  let t = start;
  return { now: () => t, advance: (ms) => void (t += ms), set: (v) => void (t = v) };
}

/**
 * The base of most rule tests: the System program allowed, and uncapped assets allowed explicitly because those tests
 * are about another rule (the default, deny_uncapped_assets = true, has its own tests in rules.test.ts).
 */
export const solanaBase = { allowed_programs: [{ id: SYSTEM, comment: 'System' }], deny_uncapped_assets: false };

/** The aliases @openkms/solana declares (the policy package itself knows none): the original openKMS's field names. */
export const SOLANA_ALIASES: PolicyAliases = {
  fields: {
    per_tx_cap_lamports: { field: 'per_tx_caps', asset: 'native' },
    daily_cap_lamports: { field: 'window_caps', asset: 'native' },
  },
};

/** What @openkms/cosmos declares: a bare key of allowed_messages[].per_tx_cap is a bank denom. */
export const COSMOS_ALIASES: PolicyAliases = { bareAssetNamespace: 'denom' };

export function solanaEngine(policy: Record<string, unknown>, opts: { clock?: TestClock; runtime?: RuntimeState; state?: PolicyStateStore } = {}) {
  const clock = opts.clock ?? testClock();
  const engine = new PolicyEngine({
    keys: { hot: { chain: 'solana', policy: { ...solanaBase, ...policy }, aliases: SOLANA_ALIASES } },
    runtime: opts.runtime ?? RuntimeState.inMemory(),
    ...(opts.state === undefined ? {} : { state: opts.state }),
    now: clock.now,
  });
  return { engine, clock };
}

export function ruleOf(decision: { rules: readonly { rule: string }[] }, rule: string) {
  const v = decision.rules.find((r) => r.rule === rule);
  if (v === undefined) throw new Error(`no verdict for rule ${rule}`);
  return v as import('../src/index.js').RuleVerdict;
}
