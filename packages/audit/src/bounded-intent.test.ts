import { test } from 'node:test';
import assert from 'node:assert/strict';
import { summarizeIntent, type Intent } from '@openkms/core';
import { AUDIT_LIST_LIMIT, auditIntent, boundAuditValue, intentSha256 } from './bounded-intent.js';

function intentWith(transfers: number, assets: number): Intent {
  return {
    chain: 'cosmos',
    network: 'cosmoshub-4',
    signer: 'cosmos1signer',
    actions: [],
    programs: [],
    messageTypes: ['/cosmos.bank.v1beta1.MsgSend'],
    contracts: [],
    transfers: Array.from({ length: transfers }, (_, i) => ({
      asset: `denom:d${i % assets}`,
      amount: 2n,
      from: 'cosmos1signer',
      to: 'cosmos1to',
      via: 'MsgSend',
    })),
    fees: [{ asset: 'denom:uatom', amount: 5000n }],
    flags: [],
  };
}

test('auditIntent: first 16 transfers, counts, per-asset totals and the SHA-256 of the full summary', () => {
  const intent = intentWith(3200, 3);
  const a = auditIntent(intent, { completeTotals: false });
  assert.equal(a.transfers.length, AUDIT_LIST_LIMIT);
  assert.equal(a.counts.transfers, 3200);
  assert.deepEqual(
    a.totals.map((t) => [t.asset, t.amount]),
    [
      ['denom:d0', String(2 * 1067)],
      ['denom:d1', String(2 * 1067)],
      ['denom:d2', String(2 * 1066)],
    ],
  );
  assert.equal(a.totals_complete, undefined);
  assert.equal(a.sha256, intentSha256(summarizeIntent(intent)));
  assert.ok(JSON.stringify(a).length < 5000, `${JSON.stringify(a).length} bytes`);
});

test('auditIntent: totals are cut on refusals, complete on accepted signatures', () => {
  const intent = intentWith(100, 100);
  const denied = auditIntent(intent, { completeTotals: false });
  assert.equal(denied.totals.length, AUDIT_LIST_LIMIT);
  assert.equal(denied.totals_complete, false);
  const allowed = auditIntent(intent, { completeTotals: true });
  assert.equal(allowed.totals.length, 100);
  assert.equal(allowed.totals_complete, undefined);
});

test('boundAuditValue: arrays, strings and objects are bounded, cut arrays are counted', () => {
  const v = boundAuditValue({
    rule: 'allowed_recipients',
    detail: { violations: Array.from({ length: 3000 }, (_, i) => `v${i}`) },
    s: 'y'.repeat(5000),
  }) as any;
  assert.equal(v.detail.violations.length, AUDIT_LIST_LIMIT);
  assert.equal(v.detail.violations_count, 3000);
  assert.equal(v.s.length, 513);
  const wide = boundAuditValue(Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`k${i}`, i]))) as Record<string, unknown>;
  assert.equal(wide._members_count, 1000);
  assert.ok(Object.keys(wide).length <= 4 * AUDIT_LIST_LIMIT + 1);
});

test('auditIntent: the fee list is cut on refusals, complete on accepted signatures (restore counts the fees the signer pays)', () => {
  const intent = { ...intentWith(1, 1), fees: Array.from({ length: 40 }, () => ({ asset: 'denom:uatom', amount: 1n, payer: 'cosmos1signer' })) };
  assert.equal(auditIntent(intent, { completeTotals: false }).fees.length, AUDIT_LIST_LIMIT);
  const accepted = auditIntent(intent, { completeTotals: true });
  assert.equal(accepted.fees.length, 40);
  assert.equal(accepted.counts.fees, 40);
});
