import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultSearchPaths } from '../plugins/discover-plugins.js';
import { loadPlugins } from '../plugins/load-plugins.js';
import { describeIntent, formatAmount } from './describe-intent.js';

test('the first-party chain plugins describe their well-known assets (describeAsset); the signer holds no chain table', async () => {
  const { plugins } = await loadPlugins({ searchPaths: defaultSearchPaths() });
  const chains = new Map(plugins.map((p) => [p.signer.chain, p.signer]));
  const unit = (chain: string, asset: string) => chains.get(chain)?.describeAsset?.(asset);
  assert.deepEqual(unit('solana', 'native'), { symbol: 'SOL', decimals: 9 });
  assert.deepEqual(unit('cosmos', 'denom:uatom'), { symbol: 'ATOM', decimals: 6 });
  assert.deepEqual(unit('cosmos', 'native'), { symbol: 'ATOM', decimals: 6 });
  assert.deepEqual(unit('evm', 'native'), { symbol: 'ETH', decimals: 18 });
  assert.equal(unit('solana', 'spl:EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v'), undefined);
  assert.equal(unit('evm', 'erc20:0x5fbdb2315678afecb367f032d93f642f64180aa3'), undefined);
});

test('amounts in the units given, base units otherwise', () => {
  const units = { native: { symbol: 'SOL', decimals: 9 } };
  assert.equal(formatAmount('native', '3000000000', units), '3 SOL');
  assert.equal(formatAmount('native', '2500000000', units), '2.5 SOL');
  assert.equal(formatAmount('native', '1', units), '0.000000001 SOL');
  assert.equal(formatAmount('spl:mint', '5', units), '5 spl:mint (base units)');
  assert.equal(formatAmount('native', '5'), '5 native (base units)');
  const lines = describeIntent(
    {
      chain: 'solana',
      signer: 'payer',
      transfers: [{ asset: 'native', amount: '3500000000', from: 'payer', to: 'friend', via: 'system' }],
      fees: [{ asset: 'native', amount: '5000', payer: 'payer' }],
      contracts: [],
      programs: [],
      message_types: [],
      flags: [],
    } as never,
    units,
  );
  assert.equal(lines[1], 'send 3.5 SOL from payer to friend (via system)');
  assert.equal(lines[2], 'fee up to 0.000005 SOL paid by payer');
});
