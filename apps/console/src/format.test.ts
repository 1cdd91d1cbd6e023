import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeIntent, describePolicy, formatAmount, percentOf, untilText, usageState, usageText } from './format.js';

test('amounts in the units an operator reads; unknown assets in base units', () => {
  assert.equal(formatAmount('solana', 'native', '1500000000'), '1.5 SOL');
  assert.equal(formatAmount('evm', 'native', '10000000000000000'), '0.01 ETH');
  assert.equal(formatAmount('solana', 'spl:Mint', '5'), '5 spl:Mint');
});

test('budget percentages are exact on base-unit strings and capped at 100', () => {
  assert.equal(percentOf('1000000000', '20000000000'), 5);
  assert.equal(percentOf('0', '0'), 0);
  assert.equal(percentOf('3', '2'), 100);
  assert.equal(percentOf('123456789012345678901234567890', '246913578024691357802469135780'), 50);
});

test('times until a reset read as words', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  assert.equal(untilText('2026-01-01T00:00:30Z', now), 'in 30 s');
  assert.equal(untilText('2026-01-01T02:05:00Z', now), 'in 2 h 5 min');
  assert.equal(untilText(null, now), '');
});

test('a policy and an intent in plain words', () => {
  const words = describePolicy('solana', {
    enabled: true,
    max_signs_per_minute: 30,
    per_tx_caps: { native: '5000000000' },
    window_caps: { native: '20000000000' },
    deny_uncapped_assets: true,
    allowed_programs: [{ id: '11111111111111111111111111111111' }],
    approval: { above: { native: '2000000000' }, quorum: 1, ttl_secs: 600 },
  });
  assert.deepEqual(words, [
    'Signatures: at most 30 per minute.',
    'Each transaction sends at most 5 SOL.',
    'At most 20 SOL in any 24 hours.',
    'Assets without a cap cannot be sent.',
    'Programs allowed: 11111111111111111111111111111111.',
    'Needs 1 operator approval to send more than 2 SOL (expires after 600 s).',
  ]);
  assert.deepEqual(describeIntent({ chain: 'solana', signer: 'Payer', transfers: [{ asset: 'native', amount: '3000000000', from: 'Payer', to: 'Dest' }] }), [
    'solana, signed by Payer',
    'send 3 SOL from Payer to Dest',
  ]);
});

test('usage the signer could not read shows as unavailable (never read) or stale (the last figures), never as a fresh 0', () => {
  assert.deepEqual(usageState({ usage_unavailable: false, usage_read_at: '2026-01-01T00:00:00.000Z' }), { kind: 'live' });
  assert.deepEqual(usageState({}), { kind: 'live' }, 'an older signer without the fields');
  assert.deepEqual(usageState({ usage_unavailable: true, usage_read_at: null }), { kind: 'unavailable' });
  assert.deepEqual(usageState({ usage_unavailable: true, usage_read_at: '2026-01-01T00:00:00.000Z' }), { kind: 'stale', readAt: '2026-01-01T00:00:00.000Z' });
  assert.equal(usageText({ kind: 'live' }, '0'), '0');
  assert.equal(usageText({ kind: 'unavailable' }, '0'), 'unavailable');
  assert.equal(usageText({ kind: 'stale', readAt: '2026-01-01T00:00:00.000Z' }, '3'), '3 (stale)');
});
