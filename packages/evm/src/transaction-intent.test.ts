import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeFunctionData, erc20Abi, getContractAddress, maxUint256, parseAbi, toHex } from 'viem';
import type { Address, Hex } from 'viem';
import { buildTransactionIntent, NATIVE_TRANSFER_PROGRAM } from './transaction-intent.js';
import type { EvmUnsignedTransaction } from './evm-transaction.js';
import { RECIPIENT, TOKEN, account } from './test-fixtures.js';

const signer = account.address.toLowerCase() as Address;
const token = TOKEN.toLowerCase();
const recipient = RECIPIENT.toLowerCase();
const nft = parseAbi([
  'function safeTransferFrom(address from, address to, uint256 tokenId)',
  'function safeTransferFrom(address from, address to, uint256 tokenId, bytes data)',
  'function setApprovalForAll(address operator, bool approved)',
  'function safeBatchTransferFrom(address from, address to, uint256[] ids, uint256[] values, bytes data)',
  'function increaseAllowance(address spender, uint256 addedValue)',
  'function decreaseAllowance(address spender, uint256 subtractedValue)',
]);

function tx(fields: Partial<Record<string, unknown>>): EvmUnsignedTransaction {
  return { type: 'eip1559', chainId: 1, nonce: 5, gas: 100_000n, maxFeePerGas: 30n, maxPriorityFeePerGas: 2n, ...fields } as EvmUnsignedTransaction;
}
const call = (data: Hex, extra: Record<string, unknown> = {}) => buildTransactionIntent(tx({ to: TOKEN, data, ...extra }), signer);

test('plain value transfer: pseudo-program native, a native transfer to `to`, max fee = gas × maxFeePerGas', () => {
  const i = buildTransactionIntent(tx({ to: RECIPIENT, value: 10n ** 18n }), signer);
  assert.equal(i.chain, 'evm');
  assert.equal(i.network, '1');
  assert.equal(i.signer, signer);
  assert.deepEqual(i.programs, [NATIVE_TRANSFER_PROGRAM]);
  assert.deepEqual(i.actions, [{ program: 'native', kind: 'native_transfer', known: true }]);
  assert.deepEqual(i.transfers, [{ asset: 'native', amount: 10n ** 18n, from: signer, to: recipient, via: 'native' }]);
  assert.deepEqual(i.fees, [{ asset: 'native', amount: 3_000_000n }]);
  assert.deepEqual(i.contracts, []);
  assert.deepEqual(i.flags, []);
  // legacy: gas × gasPrice
  const legacy = buildTransactionIntent({ type: 'legacy', chainId: 1, nonce: 0, gas: 21_000n, gasPrice: 7n, to: RECIPIENT } as EvmUnsignedTransaction, signer);
  assert.deepEqual(legacy.fees, [{ asset: 'native', amount: 147_000n }]);
  assert.deepEqual(legacy.transfers, []);
});

test('ERC-20 transfer / transferFrom / approve / increaseAllowance: the decoded recipient or spender and amount, asset erc20:<token>', () => {
  const t = call(encodeFunctionData({ abi: erc20Abi, functionName: 'transfer', args: [RECIPIENT, 500n] }));
  assert.deepEqual(t.transfers, [{ asset: `erc20:${token}`, amount: 500n, from: signer, to: recipient, via: token }]);
  assert.deepEqual(t.contracts, [{ contract: token, method: 'transfer', selector: '0xa9059cbb', via: token }]);
  assert.deepEqual(t.programs, [token]);
  assert.deepEqual(t.actions, [{ program: token, kind: 'transfer', known: true }]);

  const from = '0x1111111111111111111111111111111111111111';
  const tf = call(encodeFunctionData({ abi: erc20Abi, functionName: 'transferFrom', args: [from, RECIPIENT, 7n] }));
  assert.deepEqual(tf.transfers, [{ asset: `erc20:${token}`, amount: 7n, from, to: recipient, via: token }]);

  const a = call(encodeFunctionData({ abi: erc20Abi, functionName: 'approve', args: [RECIPIENT, 1000n] }));
  assert.deepEqual(a.transfers, [{ asset: `erc20:${token}`, amount: 1000n, from: signer, to: recipient, via: token }]);
  assert.deepEqual(a.flags, []);
  assert.deepEqual(call(encodeFunctionData({ abi: erc20Abi, functionName: 'approve', args: [RECIPIENT, maxUint256] })).flags, ['unlimited_approval']);
  assert.deepEqual(call(encodeFunctionData({ abi: erc20Abi, functionName: 'approve', args: [RECIPIENT, 2n ** 96n - 1n] })).flags, ['unlimited_approval']);
  assert.deepEqual(call(encodeFunctionData({ abi: erc20Abi, functionName: 'approve', args: [RECIPIENT, 2n ** 96n - 2n] })).flags, []);

  const inc = call(encodeFunctionData({ abi: nft, functionName: 'increaseAllowance', args: [RECIPIENT, 9n] }));
  assert.deepEqual(
    inc.transfers.map((x) => [x.to, x.amount]),
    [[recipient, 9n]],
  );
  assert.equal(inc.contracts[0]!.method, 'increaseAllowance');
  const dec = call(encodeFunctionData({ abi: nft, functionName: 'decreaseAllowance', args: [RECIPIENT, 9n] }));
  assert.deepEqual(dec.transfers, []);
  assert.equal(dec.actions[0]!.known, true);
});

test('value sent with a call is a native transfer to the contract, beside the decoded token transfer', () => {
  const i = call(encodeFunctionData({ abi: erc20Abi, functionName: 'transfer', args: [RECIPIENT, 1n] }), { value: 3n });
  assert.deepEqual(
    i.transfers.map((t) => [t.asset, t.amount, t.to]),
    [
      ['native', 3n, token],
      [`erc20:${token}`, 1n, recipient],
    ],
  );
});

test('NFT transfers and setApprovalForAll(true) are flagged; setApprovalForAll(false) is not', () => {
  const a = '0x1111111111111111111111111111111111111111';
  assert.deepEqual(call(encodeFunctionData({ abi: nft, functionName: 'safeTransferFrom', args: [a, RECIPIENT, 1n] })).flags, ['nft_transfer']);
  assert.deepEqual(call(encodeFunctionData({ abi: nft, functionName: 'safeTransferFrom', args: [a, RECIPIENT, 1n, '0x'] })).flags, ['nft_transfer']);
  assert.deepEqual(call(encodeFunctionData({ abi: nft, functionName: 'safeBatchTransferFrom', args: [a, RECIPIENT, [1n], [2n], '0x'] })).flags, [
    'nft_transfer',
  ]);
  const erc1155 = parseAbi(['function safeTransferFrom(address from, address to, uint256 id, uint256 value, bytes data)']);
  assert.deepEqual(call(encodeFunctionData({ abi: erc1155, functionName: 'safeTransferFrom', args: [a, RECIPIENT, 1n, 2n, '0x'] })).flags, ['nft_transfer']);
  const all = call(encodeFunctionData({ abi: nft, functionName: 'setApprovalForAll', args: [RECIPIENT, true] }));
  assert.deepEqual(all.flags, ['nft_approval_for_all']);
  assert.equal(all.contracts[0]!.selector, '0xa22cb465');
  assert.deepEqual(call(encodeFunctionData({ abi: nft, functionName: 'setApprovalForAll', args: [RECIPIENT, false] })).flags, []);
});

test('unknown selectors are unknown actions that still name contract and selector; bad encodings of known ones are undecodable', () => {
  const u = call('0xdeadbeef0000');
  assert.deepEqual(u.actions, [{ program: token, kind: '0xdeadbeef', known: false }]);
  assert.deepEqual(u.contracts, [{ contract: token, selector: '0xdeadbeef', via: token }]);
  assert.deepEqual(u.flags, ['unknown_instruction']);
  const short = call('0xdead');
  assert.deepEqual(short.contracts, [{ contract: token, via: token }]);
  assert.equal(short.actions[0]!.known, false);
  const good = encodeFunctionData({ abi: erc20Abi, functionName: 'transfer', args: [RECIPIENT, 1n] });
  // trailing bytes, a truncated argument, dirty high bits in the address word
  for (const data of [`${good}00`, good.slice(0, -2), `0xa9059cbb${'ff'.repeat(12)}${good.slice(34)}`] as Hex[]) {
    const i = call(data);
    assert.deepEqual(i.flags, ['undecodable'], data);
    assert.deepEqual(i.transfers, []);
  }
});

test('contract creation: flagged, no program, value goes to the address the contract will get', () => {
  const i = buildTransactionIntent(tx({ data: '0x6000', value: 4n }), signer);
  assert.deepEqual(i.flags, ['contract_creation']);
  assert.deepEqual(i.programs, []);
  assert.deepEqual(i.transfers, [
    { asset: 'native', amount: 4n, from: signer, to: getContractAddress({ from: signer, nonce: 5n }).toLowerCase(), via: 'create' },
  ]);
});

test('EIP-4844 and EIP-7702 transactions carry their risk flags; blob fees count in the max fee', () => {
  const blob = buildTransactionIntent(
    tx({ type: 'eip4844', to: RECIPIENT, maxFeePerBlobGas: 2n, blobVersionedHashes: [toHex(1, { size: 32 }), toHex(2, { size: 32 })] }),
    signer,
  );
  assert.deepEqual(blob.flags, ['blob_transaction']);
  assert.deepEqual(blob.fees, [{ asset: 'native', amount: 3_000_000n + 2n * 131_072n * 2n }]);
  const del = buildTransactionIntent(tx({ type: 'eip7702', to: RECIPIENT, authorizationList: [] }), signer);
  assert.deepEqual(del.flags, ['delegation_authorization']);
});
