import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePolicy, policyDeprecations } from '../src/index.js';
import { COMPUTE, SYSTEM, TOKEN, ruleOf, solanaEngine, solanaTx, transfer } from './helpers.js';

const MINT = 'Mint111111111111111111111111111111111111111';

test('allowed_programs[].instructions restricts the kinds of that program (instruction_not_allowed)', () => {
  const { engine } = solanaEngine({
    allowed_programs: [{ id: SYSTEM, instructions: ['transfer'] }, { id: COMPUTE }],
  });
  assert.equal(engine.explain('hot', solanaTx([transfer(1n)])).allowed, true);
  const assign = solanaTx([], { programs: [SYSTEM], actions: [{ program: SYSTEM, kind: 'assign', known: true }] });
  const d = engine.explain('hot', assign);
  assert.equal(d.code, 'instruction_not_allowed');
  assert.match(d.message!, /assign/);
  assert.equal(ruleOf(d, 'allowed_instructions').ok, false);
  // a program without a list allows every decoded kind
  const price = solanaTx([], { programs: [COMPUTE], actions: [{ program: COMPUTE, kind: 'setComputeUnitPrice', known: true }] });
  assert.equal(engine.explain('hot', price).allowed, true);
});

test('only the program entry admits its own undecoded instructions; the key-wide switch is a deprecated alias', () => {
  const unknownToken = solanaTx([], { programs: [SYSTEM, TOKEN], actions: [{ program: TOKEN, kind: 'enableCpiGuard', known: false }] });
  const unknownSystem = solanaTx([], { programs: [SYSTEM], actions: [{ program: SYSTEM, kind: 'unknown', known: false }] });
  const perProgram = solanaEngine({ allowed_programs: [{ id: SYSTEM }, { id: TOKEN, allow_unknown_instructions: true }] }).engine;
  assert.equal(perProgram.explain('hot', unknownToken).allowed, true);
  const d = perProgram.explain('hot', unknownSystem);
  assert.equal(d.code, 'unknown_instruction_denied');
  assert.deepEqual(ruleOf(d, 'unknown_instructions').detail?.denied, [`${SYSTEM}:unknown`]);
  // a bare flag with no undecoded action is admitted by no program entry
  assert.equal(perProgram.explain('hot', solanaTx([transfer(1n)], { flags: ['unknown_instruction'] })).code, 'unknown_instruction_denied');

  const keyWide = solanaEngine({ allow_unknown_instructions: true, allowed_programs: [{ id: SYSTEM }, { id: TOKEN }] }).engine;
  assert.equal(keyWide.explain('hot', unknownSystem).allowed, true);
  const policy = parsePolicy({ allow_unknown_instructions: true }, 'keys.hot.policy');
  assert.deepEqual(
    policyDeprecations(policy, 'keys.hot.policy').map((w) => w.path),
    ['keys.hot.policy.allow_unknown_instructions'],
  );
  assert.deepEqual(policyDeprecations(parsePolicy({}, 'p'), 'p'), []);
});

test('program instruction rules are validated', () => {
  assert.deepEqual(
    parsePolicy({ allowed_programs: [{ id: SYSTEM, instructions: ['transfer', 'transfer'], allow_unknown_instructions: false }] }, 'p').allowed_programs,
    [{ id: SYSTEM, instructions: ['transfer'], allow_unknown_instructions: false }],
  );
  assert.throws(() => parsePolicy({ allowed_programs: [{ id: SYSTEM, instructions: 'transfer' }] }, 'p'), {
    context: { path: 'p.allowed_programs[0].instructions' },
  });
  assert.throws(() => parsePolicy({ allowed_programs: [{ id: SYSTEM, allow_unknown_instructions: 'yes' }] }, 'p'), {
    context: { path: 'p.allowed_programs[0].allow_unknown_instructions' },
  });
});

test('recipients: a destination held for an allowlisted wallet (the plugin relation) passes; others do not', () => {
  const { engine } = solanaEngine({
    allowed_programs: [{ id: TOKEN }],
    per_tx_caps: { [`spl:${MINT}`]: '100' },
    allowed_recipients: [{ program: TOKEN, addresses: ['Wallet1'] }],
  });
  const ata = { ...transfer(5n, 'AtaOfWallet1', `spl:${MINT}`, TOKEN), toOwnedBy: (o: string) => o === 'Wallet1' };
  assert.equal(engine.explain('hot', solanaTx([ata])).allowed, true);
  const elsewhere = { ...ata, to: 'AtaOfMallory', toOwnedBy: (o: string) => o === 'Mallory' };
  assert.equal(engine.explain('hot', solanaTx([elsewhere])).code, 'recipient_not_allowed');
  const throwing = {
    ...ata,
    toOwnedBy: () => {
      throw new Error('boom');
    },
  };
  assert.equal(engine.explain('hot', solanaTx([throwing])).code, 'recipient_not_allowed');
});

test('spl:unknown: no cap names it (uncapped), and every spl: rule applies to it', () => {
  const unknown = transfer(1n, 'Wallet1', 'spl:unknown', TOKEN);
  const capped = solanaEngine({ allowed_programs: [{ id: TOKEN }], per_tx_caps: { [`spl:${MINT}`]: '100' }, deny_uncapped_assets: true }).engine;
  assert.equal(capped.explain('hot', solanaTx([unknown])).code, 'uncapped_asset_denied');
  const recipients = solanaEngine({ allowed_programs: [{ id: TOKEN }], allowed_recipients: [{ asset: `spl:${MINT}`, addresses: ['Other'] }] }).engine;
  assert.equal(recipients.explain('hot', solanaTx([unknown])).code, 'recipient_not_allowed');
  assert.throws(() => parsePolicy({ per_tx_caps: { 'spl:unknown': '1' } }, 'p'), { context: { path: 'p.per_tx_caps.spl:unknown' } });
});

test('an EVM contract in allowed_programs matches in any letter case (checksummed ids are canonicalised like recipients)', () => {
  const checksummed = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
  const policy = parsePolicy({ allowed_programs: [{ id: checksummed, allow_unknown_instructions: true }] }, 'keys.hot.policy');
  assert.equal(policy.allowed_programs[0]!.id, checksummed.toLowerCase());
  assert.throws(() => parsePolicy({ allowed_programs: [{ id: checksummed }, { id: checksummed.toLowerCase() }] }, 'keys.hot.policy'), /duplicate program id/);
});
