import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isOpenKmsError } from '@openkms/core';
import { hashTypedData, keccak256, maxUint256, toHex } from 'viem';
import type { Address } from 'viem';
import { buildTypedDataIntent, PERMIT2_ADDRESS, normalizeTypedData, typedDataSigningBytes } from './index.js';
import type { EvmTypedDataJson } from './index.js';
import { RECIPIENT, TOKEN, account } from './test-fixtures.js';

const signer = account.address.toLowerCase() as Address;
const token = TOKEN.toLowerCase();
const spender = RECIPIENT.toLowerCase();

const permit = (value: string, owner: string = account.address): EvmTypedDataJson => ({
  domain: { name: 'USD Coin', version: '2', chainId: 1, verifyingContract: TOKEN },
  types: {
    Permit: [
      { name: 'owner', type: 'address' },
      { name: 'spender', type: 'address' },
      { name: 'value', type: 'uint256' },
      { name: 'nonce', type: 'uint256' },
      { name: 'deadline', type: 'uint256' },
    ],
  },
  primaryType: 'Permit',
  message: { owner, spender: RECIPIENT, value, nonce: 0, deadline: '1900000000' },
});

const intentOf = (json: EvmTypedDataJson) => buildTypedDataIntent(normalizeTypedData(json), signer, 1n);

function rejects(fn: () => unknown, code: string, field?: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(isOpenKmsError(e), String(e));
    assert.equal(e.code, code, e.message);
    if (field !== undefined) assert.equal(e.context.field, field);
    return true;
  });
}

test('EIP-2612 Permit: spend authority of the token for the spender; unlimited flagged; the owner must be the key', () => {
  const i = intentOf(permit('1000000'));
  assert.deepEqual(i.transfers, [{ asset: `erc20:${token}`, amount: 1_000_000n, from: signer, to: spender, via: token }]);
  assert.deepEqual(i.contracts, [{ contract: token, method: 'permit', via: token }]);
  assert.deepEqual(i.actions, [{ program: token, kind: 'permit', known: true }]);
  assert.deepEqual(i.flags, []);
  assert.deepEqual(intentOf(permit(maxUint256.toString())).flags, ['unlimited_approval']);
  rejects(() => intentOf(permit('1', '0x1111111111111111111111111111111111111111')), 'signer_mismatch');
});

test('DAI-style Permit(holder, spender, nonce, expiry, allowed): allowed = unlimited', () => {
  const dai: EvmTypedDataJson = {
    domain: { name: 'Dai Stablecoin', version: '1', chainId: 1, verifyingContract: TOKEN },
    types: {
      Permit: [
        { name: 'holder', type: 'address' },
        { name: 'spender', type: 'address' },
        { name: 'nonce', type: 'uint256' },
        { name: 'expiry', type: 'uint256' },
        { name: 'allowed', type: 'bool' },
      ],
    },
    primaryType: 'Permit',
    message: { holder: account.address, spender: RECIPIENT, nonce: 1, expiry: 0, allowed: true },
  };
  const i = intentOf(dai);
  assert.deepEqual(i.flags, ['unlimited_approval']);
  assert.equal(i.transfers[0]!.amount, maxUint256);
});

test('Permit2 PermitSingle / PermitBatch / PermitTransferFrom / witness: one spend per token, contract Permit2', () => {
  const domain = { name: 'Permit2', chainId: 1, verifyingContract: '0x000000000022D473030F116dDEE9F6B43aC78BA3' };
  const details = [
    { name: 'token', type: 'address' },
    { name: 'amount', type: 'uint160' },
    { name: 'expiration', type: 'uint48' },
    { name: 'nonce', type: 'uint48' },
  ];
  const other = '0x6B175474E89094C44Da98b954EedeAC495271d0F';
  const single = intentOf({
    domain,
    types: {
      PermitDetails: details,
      PermitSingle: [
        { name: 'details', type: 'PermitDetails' },
        { name: 'spender', type: 'address' },
        { name: 'sigDeadline', type: 'uint256' },
      ],
    },
    primaryType: 'PermitSingle',
    message: { details: { token: TOKEN, amount: '500', expiration: 1, nonce: 0 }, spender: RECIPIENT, sigDeadline: 1 },
  });
  assert.deepEqual(single.transfers, [{ asset: `erc20:${token}`, amount: 500n, from: signer, to: spender, via: PERMIT2_ADDRESS }]);
  assert.deepEqual(single.contracts, [{ contract: PERMIT2_ADDRESS, method: 'PermitSingle', via: PERMIT2_ADDRESS }]);
  assert.deepEqual(single.flags, []);

  const batch = intentOf({
    domain,
    types: {
      PermitDetails: details,
      PermitBatch: [
        { name: 'details', type: 'PermitDetails[]' },
        { name: 'spender', type: 'address' },
        { name: 'sigDeadline', type: 'uint256' },
      ],
    },
    primaryType: 'PermitBatch',
    message: {
      details: [
        { token: TOKEN, amount: '1', expiration: 1, nonce: 0 },
        { token: other, amount: toHex(2n ** 160n - 1n), expiration: 1, nonce: 0 },
      ],
      spender: RECIPIENT,
      sigDeadline: 1,
    },
  });
  assert.deepEqual(
    batch.transfers.map((t) => [t.asset, t.amount]),
    [
      [`erc20:${token}`, 1n],
      [`erc20:${other.toLowerCase()}`, 2n ** 160n - 1n],
    ],
  );
  assert.deepEqual(batch.flags, ['unlimited_approval']);

  const witness = intentOf({
    domain,
    types: {
      TokenPermissions: [
        { name: 'token', type: 'address' },
        { name: 'amount', type: 'uint256' },
      ],
      Order: [{ name: 'id', type: 'uint256' }],
      PermitWitnessTransferFrom: [
        { name: 'permitted', type: 'TokenPermissions' },
        { name: 'spender', type: 'address' },
        { name: 'nonce', type: 'uint256' },
        { name: 'deadline', type: 'uint256' },
        { name: 'witness', type: 'Order' },
      ],
    },
    primaryType: 'PermitWitnessTransferFrom',
    message: { permitted: { token: TOKEN, amount: '42' }, spender: RECIPIENT, nonce: 1, deadline: 1, witness: { id: 9 } },
  });
  assert.deepEqual(
    witness.transfers.map((t) => [t.to, t.amount]),
    [[spender, 42n]],
  );
  assert.equal(witness.contracts[0]!.method, 'PermitWitnessTransferFrom');
});

test('other typed data: an unknown action of its verifying contract (or the eip712 pseudo-program)', () => {
  const i = intentOf({
    domain: { chainId: 1, verifyingContract: TOKEN },
    types: { Order: [{ name: 'id', type: 'uint256' }] },
    primaryType: 'Order',
    message: { id: 1 },
  });
  assert.deepEqual(i.actions, [{ program: token, kind: 'eip712:Order', known: false }]);
  assert.deepEqual(i.contracts, [{ contract: token, method: 'Order', via: token }]);
  assert.deepEqual(i.flags, ['unknown_instruction']);
  const bare = intentOf({ domain: { chainId: 1 }, types: { Order: [{ name: 'id', type: 'uint256' }] }, primaryType: 'Order', message: { id: 1 } });
  assert.deepEqual(bare.programs, ['eip712']);
  assert.deepEqual(bare.contracts, []);
  // a Permit-named struct with other fields is not a permit
  const fake = intentOf({
    domain: { chainId: 1, verifyingContract: TOKEN },
    types: { Permit: [{ name: 'value', type: 'uint256' }] },
    primaryType: 'Permit',
    message: { value: 1 },
  });
  assert.equal(fake.actions[0]!.known, false);
});

test('typed data is validated strictly: missing / extra fields, out-of-range integers, bad addresses, unknown types', () => {
  const ok = permit('1');
  const bad = (patch: (j: any) => void, field: string) => {
    const j = structuredClone(ok) as any;
    patch(j);
    rejects(() => normalizeTypedData(j), 'invalid_request', field);
  };
  bad((j) => delete j.message.nonce, 'typed_data.message.nonce');
  bad((j) => (j.message.extra = 1), 'typed_data.message.extra');
  bad((j) => (j.message.value = '-1'), 'typed_data.message.value');
  bad((j) => (j.message.value = (2n ** 256n).toString()), 'typed_data.message.value');
  bad((j) => (j.message.value = 1.5), 'typed_data.message.value');
  bad((j) => (j.message.spender = '0x1234'), 'typed_data.message.spender');
  bad((j) => (j.types.Permit[0].type = 'uint7'), 'typed_data.message.owner');
  bad((j) => (j.types.Permit[0].type = 'Thing'), 'typed_data.message.owner');
  bad((j) => (j.primaryType = 'Nope'), 'typed_data.primaryType');
  bad((j) => (j.domain.foo = 1), 'typed_data.domain.foo');
  bad((j) => (j.types.EIP712Domain = [{ name: 'name', type: 'string' }]), 'typed_data.types.EIP712Domain');
});

test('signing bytes: keccak256(0x1901 ‖ domain ‖ struct) equals viem hashTypedData, with or without an explicit EIP712Domain', () => {
  const json = permit('77');
  const n = normalizeTypedData(json);
  const viem = hashTypedData({ ...json, message: { ...json.message, value: 77n, nonce: 0n, deadline: 1_900_000_000n } } as never);
  assert.equal(keccak256(typedDataSigningBytes(n)), viem);
  const explicit = normalizeTypedData({
    ...json,
    types: {
      ...json.types,
      EIP712Domain: [
        { name: 'name', type: 'string' },
        { name: 'version', type: 'string' },
        { name: 'chainId', type: 'uint256' },
        { name: 'verifyingContract', type: 'address' },
      ],
    },
  });
  assert.equal(keccak256(typedDataSigningBytes(explicit)), viem);
});
