import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeFunctionData, erc20Abi, getAddress, parseAbi } from 'viem';
import type { Address, Hex } from 'viem';
import type { DecodeContract } from '@openkms/core';
import { summarizeIntent } from '@openkms/core';
import { buildTransactionIntent } from './transaction-intent.js';
import type { EvmUnsignedTransaction } from './evm-transaction.js';
import { RECIPIENT, TOKEN, account } from './test-fixtures.js';

const signer = account.address.toLowerCase() as Address;
const BOOK = '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512';
const bookAbi = parseAbi([
  'struct Order { address maker; uint256 amount; bytes32 tag; }',
  'function place(Order order, bytes note, uint64[] ids) returns (uint256)',
  'function store(uint256 value)',
  'function store(uint256 value, uint256 extra)',
]);
const contracts: DecodeContract[] = [
  { name: 'book', network: 'main', address: BOOK, abi: bookAbi, networkOptions: { chain_id: 1 } },
  { name: 'token', network: 'main', address: TOKEN, abi: erc20Abi, networkOptions: { chain_id: '0x1' } },
];
const tx = (to: string, data: Hex, chainId = 1): EvmUnsignedTransaction =>
  ({ type: 'eip1559', chainId, nonce: 0, gas: 100_000n, maxFeePerGas: 30n, maxPriorityFeePerGas: 2n, to, data }) as EvmUnsignedTransaction;
const tag = `0x${'ab'.repeat(32)}` as Hex;
const placeData = encodeFunctionData({
  abi: bookAbi,
  functionName: 'place',
  args: [{ maker: RECIPIENT.toLowerCase() as Address, amount: 99n, tag }, '0xc0ffee', [1n, 2n]],
});

test('a call to a registered contract is an intent with its name, the function signature and the ABI-decoded arguments', () => {
  const i = buildTransactionIntent(tx(BOOK, placeData), signer, contracts);
  assert.deepEqual(i.actions, [{ program: BOOK.toLowerCase(), kind: 'place', known: true }]);
  assert.deepEqual(i.flags, []);
  assert.deepEqual(i.contracts, [
    {
      contract: BOOK.toLowerCase(),
      method: 'place',
      selector: placeData.slice(0, 10),
      via: BOOK.toLowerCase(),
      contractName: 'book',
      signature: 'place((address,uint256,bytes32),bytes,uint64[])',
      // JSON-safe: integers as decimal strings, addresses checksummed, bytes as hex, tuples as objects
      args: { order: { maker: getAddress(RECIPIENT), amount: '99', tag }, note: '0xc0ffee', ids: ['1', '2'] },
    },
  ]);
  // the summary (audit records, explain) carries them in its wire names
  const c = summarizeIntent(i).contracts[0]!;
  assert.equal(c.contract_name, 'book');
  assert.equal(c.signature, 'place((address,uint256,bytes32),bytes,uint64[])');
  assert.deepEqual(JSON.parse(JSON.stringify(c.args)), c.args);
  // overloads are told apart by their selector
  const two = buildTransactionIntent(tx(BOOK, encodeFunctionData({ abi: bookAbi, functionName: 'store', args: [7n, 5n] })), signer, contracts);
  assert.equal(two.contracts[0]!.signature, 'store(uint256,uint256)');
  assert.deepEqual(two.contracts[0]!.args, { value: '7', extra: '5' });
});

test('without a registration, on another chain or at another address the call stays opaque (unknown action)', () => {
  for (const i of [
    buildTransactionIntent(tx(BOOK, placeData), signer),
    buildTransactionIntent(tx(BOOK, placeData, 5), signer, contracts),
    buildTransactionIntent(tx(RECIPIENT, placeData), signer, contracts),
  ]) {
    assert.equal(i.actions[0]!.known, false);
    assert.deepEqual(i.flags, ['unknown_instruction']);
    assert.equal(i.contracts[0]!.contractName, undefined);
    assert.equal(i.contracts[0]!.args, undefined);
  }
});

test('data that the registered ABI does not decode exactly is undecodable (denied), never guessed', () => {
  const i = buildTransactionIntent(tx(BOOK, `${placeData}00` as Hex), signer, contracts);
  assert.deepEqual(i.flags, ['undecodable']);
  assert.equal(i.actions[0]!.known, false);
  assert.equal(i.contracts[0]!.signature, 'place((address,uint256,bytes32),bytes,uint64[])');
  assert.equal(i.contracts[0]!.args, undefined);
});

test('a known ERC-20 method of a registered token keeps its transfer facts and gains the ABI view', () => {
  const data = encodeFunctionData({ abi: erc20Abi, functionName: 'transfer', args: [RECIPIENT as Address, 250n] });
  const i = buildTransactionIntent(tx(TOKEN, data), signer, contracts);
  assert.deepEqual(
    i.transfers.map((t) => [t.asset, t.amount, t.to]),
    [[`erc20:${TOKEN.toLowerCase()}`, 250n, RECIPIENT.toLowerCase()]],
  );
  assert.equal(i.contracts[0]!.contractName, 'token');
  assert.equal(i.contracts[0]!.signature, 'transfer(address,uint256)');
  // the argument names are the registered ABI's (viem's erc20Abi calls them recipient, amount)
  assert.deepEqual(i.contracts[0]!.args, { recipient: getAddress(RECIPIENT), amount: '250' });
});
