import { test } from 'node:test';
import assert from 'node:assert/strict';
import { summarizeIntent, type Intent } from './index.js';

const base: Intent = {
  chain: 'solana',
  signer: 'S',
  actions: [],
  programs: [],
  messageTypes: [],
  contracts: [],
  transfers: [{ asset: 'native', amount: 5n, from: 'S', to: 'T', via: 'P', toOwnedBy: (owner) => owner === 'W' }],
  fees: [],
  flags: ['durable_nonce', 'authority_change'],
};

test('summarizeIntent: memos when present, ownership relations never (JSON-safe)', () => {
  const plain = summarizeIntent(base);
  assert.equal('memos' in plain, false);
  assert.deepEqual(plain.transfers, [{ asset: 'native', amount: '5', from: 'S', to: 'T', via: 'P' }]);
  assert.deepEqual(plain.flags, ['durable_nonce', 'authority_change']);
  const withMemo = summarizeIntent({ ...base, memos: ['hello'] });
  assert.deepEqual(withMemo.memos, ['hello']);
  assert.deepEqual(JSON.parse(JSON.stringify(withMemo)), withMemo);
});
