import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toUtf8 } from '@cosmjs/encoding';
import { MsgExec, MsgGrant } from 'cosmjs-types/cosmos/authz/v1beta1/tx';
import { MsgSend } from 'cosmjs-types/cosmos/bank/v1beta1/tx';
import { MsgExecuteContract } from 'cosmjs-types/cosmwasm/wasm/v1/tx';
import { Any } from 'cosmjs-types/google/protobuf/any';
import { isOpenKmsError, toBase64 } from '@openkms/core';
import type { ErrorCode, Intent } from '@openkms/core';
import { DECODED_MESSAGE_TYPE_URLS, createCosmosChainSigner } from '../index.js';
import { CHAIN_ID, RECIPIENT, buildSignDoc, cosmosTestKeys, registry } from '../test-fixtures.js';

const signer = createCosmosChainSigner();
const VAL = 'cosmosvaloper1sjllsnramtg3ewxqwwrwjxfgc4n4ef9u2lcnj0';
const VAL2 = 'cosmosvaloper156gqf9837u7d4c4678yt3rl4ls9c5vuursrrzf';
const CONTRACT = 'cosmos14hj2tavq8fpesdwxxcu44rty3hh90vhujrvcmstl4zr3txmfvw9s4hmalr';
const atom = (amount: string) => ({ denom: 'uatom', amount });

async function decode(messages: { typeUrl: string; value: unknown }[], opts: { feeGranter?: string; feePayer?: string } = {}): Promise<Intent> {
  const { key } = await cosmosTestKeys();
  const { bytes } = buildSignDoc({ signerPubkeys: [key.publicKey], messages, ...opts });
  return (await signer.decode({ label: 'cosmos-hot', sign_doc_b64: toBase64(bytes), expected_chain_id: CHAIN_ID }, key)).intent;
}

async function rejects(messages: { typeUrl: string; value: unknown }[], code: ErrorCode, pattern?: RegExp): Promise<void> {
  await assert.rejects(
    () => decode(messages),
    (err: unknown) => {
      assert.ok(isOpenKmsError(err), String(err));
      assert.equal(err.code, code, err.message);
      if (pattern) assert.match(err.message, pattern);
      return true;
    },
  );
}

test('the decoded message types (docs list exactly these)', () => {
  assert.deepEqual(DECODED_MESSAGE_TYPE_URLS, [
    '/cosmos.authz.v1beta1.MsgExec',
    '/cosmos.authz.v1beta1.MsgGrant',
    '/cosmos.authz.v1beta1.MsgRevoke',
    '/cosmos.bank.v1beta1.MsgMultiSend',
    '/cosmos.bank.v1beta1.MsgSend',
    '/cosmos.distribution.v1beta1.MsgSetWithdrawAddress',
    '/cosmos.distribution.v1beta1.MsgWithdrawDelegatorReward',
    '/cosmos.feegrant.v1beta1.MsgGrantAllowance',
    '/cosmos.feegrant.v1beta1.MsgRevokeAllowance',
    '/cosmos.gov.v1.MsgDeposit',
    '/cosmos.gov.v1.MsgVote',
    '/cosmos.gov.v1.MsgVoteWeighted',
    '/cosmos.gov.v1beta1.MsgDeposit',
    '/cosmos.gov.v1beta1.MsgVote',
    '/cosmos.gov.v1beta1.MsgVoteWeighted',
    '/cosmos.staking.v1beta1.MsgBeginRedelegate',
    '/cosmos.staking.v1beta1.MsgCancelUnbondingDelegation',
    '/cosmos.staking.v1beta1.MsgDelegate',
    '/cosmos.staking.v1beta1.MsgUndelegate',
    '/cosmwasm.wasm.v1.MsgExecuteContract',
    '/cosmwasm.wasm.v1.MsgInstantiateContract',
    '/ibc.applications.transfer.v1.MsgTransfer',
  ]);
});

test('bank MsgMultiSend: one transfer per output coin; inputs must be us and match the outputs per denom', async () => {
  const { key } = await cosmosTestKeys();
  const ms = (inputs: unknown[], outputs: unknown[]) => ({ typeUrl: '/cosmos.bank.v1beta1.MsgMultiSend', value: { inputs, outputs } });
  const intent = await decode([
    ms(
      [{ address: key.address, coins: [atom('30'), { denom: 'uosmo', amount: '5' }] }],
      [
        { address: RECIPIENT, coins: [atom('10'), { denom: 'uosmo', amount: '5' }] },
        { address: 'cosmos1other', coins: [atom('20')] },
      ],
    ),
  ]);
  const via = '/cosmos.bank.v1beta1.MsgMultiSend';
  assert.deepEqual(intent.transfers, [
    { asset: 'denom:uatom', amount: 10n, from: key.address, to: RECIPIENT, via },
    { asset: 'denom:uosmo', amount: 5n, from: key.address, to: RECIPIENT, via },
    { asset: 'denom:uatom', amount: 20n, from: key.address, to: 'cosmos1other', via },
  ]);
  await rejects([ms([{ address: 'cosmos1else', coins: [atom('1')] }], [{ address: RECIPIENT, coins: [atom('1')] }])], 'signer_mismatch');
  await rejects([ms([{ address: key.address, coins: [atom('1')] }], [{ address: RECIPIENT, coins: [atom('2')] }])], 'decode_failed', /differ/);
});

test('IBC MsgTransfer: receiver as to, source channel recorded; sender must be us', async () => {
  const { key } = await cosmosTestKeys();
  const t = (sender: string) => ({
    typeUrl: '/ibc.applications.transfer.v1.MsgTransfer',
    value: { sourcePort: 'transfer', sourceChannel: 'channel-141', token: atom('77'), sender, receiver: 'osmo1receiver', timeoutTimestamp: 1n },
  });
  const intent = await decode([t(key.address)]);
  assert.deepEqual(intent.transfers, [
    { asset: 'denom:uatom', amount: 77n, from: key.address, to: 'osmo1receiver', via: '/ibc.applications.transfer.v1.MsgTransfer', channel: 'channel-141' },
  ]);
  assert.ok(intent.notes?.includes('ibc_source_port=transfer'));
  await rejects([t('cosmos1else')], 'signer_mismatch', /sender/);
});

test('staking: delegate, undelegate, redelegate, cancel unbonding → transfers to the validator; delegator must be us', async () => {
  const { key } = await cosmosTestKeys();
  const d = key.address;
  const intent = await decode([
    { typeUrl: '/cosmos.staking.v1beta1.MsgDelegate', value: { delegatorAddress: d, validatorAddress: VAL, amount: atom('1') } },
    { typeUrl: '/cosmos.staking.v1beta1.MsgUndelegate', value: { delegatorAddress: d, validatorAddress: VAL, amount: atom('2') } },
    {
      typeUrl: '/cosmos.staking.v1beta1.MsgBeginRedelegate',
      value: { delegatorAddress: d, validatorSrcAddress: VAL, validatorDstAddress: VAL2, amount: atom('3') },
    },
    {
      typeUrl: '/cosmos.staking.v1beta1.MsgCancelUnbondingDelegation',
      value: { delegatorAddress: d, validatorAddress: VAL, amount: atom('4'), creationHeight: 9n },
    },
  ]);
  assert.deepEqual(
    intent.transfers.map((t) => [t.amount, t.to, t.via.split('.').pop()]),
    [
      [1n, VAL, 'MsgDelegate'],
      [2n, VAL, 'MsgUndelegate'],
      [3n, VAL2, 'MsgBeginRedelegate'],
      [4n, VAL, 'MsgCancelUnbondingDelegation'],
    ],
  );
  assert.deepEqual(
    intent.actions.map((a) => a.kind),
    ['MsgDelegate', 'MsgUndelegate', 'MsgBeginRedelegate', 'MsgCancelUnbondingDelegation'],
  );
  assert.deepEqual(intent.flags, []);
  await rejects(
    [{ typeUrl: '/cosmos.staking.v1beta1.MsgDelegate', value: { delegatorAddress: 'cosmos1else', validatorAddress: VAL, amount: atom('1') } }],
    'signer_mismatch',
  );
  await rejects([{ typeUrl: '/cosmos.staking.v1beta1.MsgDelegate', value: { delegatorAddress: d, validatorAddress: VAL } }], 'decode_failed', /amount/);
  await rejects(
    [{ typeUrl: '/cosmos.staking.v1beta1.MsgDelegate', value: { delegatorAddress: d, validatorAddress: VAL, amount: atom('1.5') } }],
    'decode_failed',
    /amount/,
  );
});

test('distribution: withdraw reward (no transfer), set withdraw address (authority change)', async () => {
  const { key } = await cosmosTestKeys();
  const intent = await decode([
    { typeUrl: '/cosmos.distribution.v1beta1.MsgWithdrawDelegatorReward', value: { delegatorAddress: key.address, validatorAddress: VAL } },
    { typeUrl: '/cosmos.distribution.v1beta1.MsgSetWithdrawAddress', value: { delegatorAddress: key.address, withdrawAddress: RECIPIENT } },
  ]);
  assert.deepEqual(intent.transfers, []);
  assert.deepEqual(intent.flags, ['authority_change']);
  assert.ok(intent.notes?.includes(`withdraw_address=${RECIPIENT}`));
  await rejects(
    [{ typeUrl: '/cosmos.distribution.v1beta1.MsgSetWithdrawAddress', value: { delegatorAddress: 'cosmos1else', withdrawAddress: RECIPIENT } }],
    'signer_mismatch',
  );
});

test('gov v1beta1 and v1: vote, weighted vote, deposit (to proposal:<id>); voter/depositor must be us', async () => {
  const { key } = await cosmosTestKeys();
  const intent = await decode([
    { typeUrl: '/cosmos.gov.v1beta1.MsgVote', value: { proposalId: 7n, voter: key.address, option: 1 } },
    { typeUrl: '/cosmos.gov.v1.MsgVote', value: { proposalId: 8n, voter: key.address, option: 2, metadata: '' } },
    { typeUrl: '/cosmos.gov.v1beta1.MsgVoteWeighted', value: { proposalId: 7n, voter: key.address, options: [{ option: 1, weight: '1000000000000000000' }] } },
    { typeUrl: '/cosmos.gov.v1.MsgVoteWeighted', value: { proposalId: 8n, voter: key.address, options: [{ option: 1, weight: '1.0' }] } },
    { typeUrl: '/cosmos.gov.v1beta1.MsgDeposit', value: { proposalId: 7n, depositor: key.address, amount: [atom('100')] } },
    { typeUrl: '/cosmos.gov.v1.MsgDeposit', value: { proposalId: 8n, depositor: key.address, amount: [atom('200')] } },
  ]);
  assert.deepEqual(
    intent.transfers.map((t) => [t.amount, t.to]),
    [
      [100n, 'proposal:7'],
      [200n, 'proposal:8'],
    ],
  );
  assert.equal(
    intent.actions.every((a) => a.known),
    true,
  );
  await rejects([{ typeUrl: '/cosmos.gov.v1.MsgVote', value: { proposalId: 8n, voter: 'cosmos1else', option: 2 } }], 'signer_mismatch', /voter/);
});

test('CosmWasm execute: contract call with the top-level JSON key as method, funds as transfers to the contract', async () => {
  const { key } = await cosmosTestKeys();
  const exec = (msg: string | Uint8Array, funds = [atom('5')]) => ({
    typeUrl: '/cosmwasm.wasm.v1.MsgExecuteContract',
    value: MsgExecuteContract.fromPartial({ sender: key.address, contract: CONTRACT, msg: typeof msg === 'string' ? toUtf8(msg) : msg, funds }),
  });
  const intent = await decode([exec('{"swap":{"offer":"1"}}')]);
  assert.deepEqual(intent.contracts, [{ contract: CONTRACT, method: 'swap', via: '/cosmwasm.wasm.v1.MsgExecuteContract' }]);
  assert.deepEqual(intent.transfers, [{ asset: 'denom:uatom', amount: 5n, from: key.address, to: CONTRACT, via: '/cosmwasm.wasm.v1.MsgExecuteContract' }]);
  // no single top-level key: no method (allowed_methods then denies)
  assert.deepEqual((await decode([exec('{"a":1,"b":2}', [])])).contracts, [{ contract: CONTRACT, via: '/cosmwasm.wasm.v1.MsgExecuteContract' }]);
  await rejects([exec('not json')], 'decode_failed', /JSON/);
  await rejects([exec(Uint8Array.from([0x7b, 0xff, 0x7d]))], 'decode_failed', /JSON/);
});

test('CosmWasm instantiate is flagged; funds go to code:<id>', async () => {
  const { key } = await cosmosTestKeys();
  const intent = await decode([
    {
      typeUrl: '/cosmwasm.wasm.v1.MsgInstantiateContract',
      value: { sender: key.address, admin: key.address, codeId: 12n, label: 'pool', msg: toUtf8('{}'), funds: [atom('9')] },
    },
  ]);
  assert.deepEqual(intent.flags, ['contract_instantiation']);
  assert.deepEqual(
    intent.transfers.map((t) => [t.amount, t.to]),
    [[9n, 'code:12']],
  );
});

test('authz MsgExec: inner messages decoded recursively and joined to the intent; grantee must be us', async () => {
  const { key } = await cosmosTestKeys();
  const granter = 'cosmos1granter0000000000000000000000000000';
  const innerSend = registry.encodeAsAny({
    typeUrl: '/cosmos.bank.v1beta1.MsgSend',
    value: MsgSend.fromPartial({ fromAddress: granter, toAddress: RECIPIENT, amount: [atom('3')] }),
  });
  const innerExec = registry.encodeAsAny({
    typeUrl: '/cosmwasm.wasm.v1.MsgExecuteContract',
    value: MsgExecuteContract.fromPartial({ sender: granter, contract: CONTRACT, msg: toUtf8('{"withdraw":{}}') }),
  });
  const exec = (grantee: string, msgs: Any[]) => ({ typeUrl: '/cosmos.authz.v1beta1.MsgExec', value: MsgExec.fromPartial({ grantee, msgs }) });
  const intent = await decode([exec(key.address, [innerSend, innerExec])]);
  assert.deepEqual(intent.messageTypes, ['/cosmos.authz.v1beta1.MsgExec', '/cosmos.bank.v1beta1.MsgSend', '/cosmwasm.wasm.v1.MsgExecuteContract']);
  assert.deepEqual(intent.transfers, [{ asset: 'denom:uatom', amount: 3n, from: granter, to: RECIPIENT, via: '/cosmos.bank.v1beta1.MsgSend' }]);
  assert.deepEqual(intent.contracts, [{ contract: CONTRACT, method: 'withdraw', via: '/cosmwasm.wasm.v1.MsgExecuteContract' }]);
  assert.ok(intent.notes?.includes(`authz_granter=${granter}`));
  // nested MsgExec is decoded too
  const nested = await decode([exec(key.address, [registry.encodeAsAny(exec(key.address, [innerSend]))])]);
  assert.deepEqual(
    nested.actions.map((a) => a.kind),
    ['MsgExec', 'MsgExec', 'MsgSend'],
  );
  await rejects([exec('cosmos1else', [innerSend])], 'signer_mismatch', /grantee/);
  // an inner message of unknown type, or one that does not decode, makes the whole request undecodable
  await rejects([exec(key.address, [Any.fromPartial({ typeUrl: '/x.y.MsgHidden', value: new Uint8Array() })])], 'decode_failed', /unknown type/);
  await rejects([exec(key.address, [Any.fromPartial({ typeUrl: '/cosmos.bank.v1beta1.MsgSend', value: Uint8Array.from([0x0a, 0x10]) })])], 'decode_failed');
  await rejects([exec(key.address, [])], 'decode_failed');
  // nesting is bounded
  let deep: Any = innerSend;
  for (let i = 0; i < 5; i++) deep = registry.encodeAsAny(exec(key.address, [deep]));
  await rejects([{ typeUrl: deep.typeUrl, value: deep.value }], 'decode_failed', /nested/);
});

test('authz MsgGrant / MsgRevoke and feegrant messages are authority changes; granter must be us', async () => {
  const { key } = await cosmosTestKeys();
  const grant = MsgGrant.fromPartial({
    granter: key.address,
    grantee: RECIPIENT,
    grant: { authorization: { typeUrl: '/cosmos.authz.v1beta1.GenericAuthorization', value: Uint8Array.from([0x0a, 0x01, 0x78]) } },
  });
  const intent = await decode([
    { typeUrl: '/cosmos.authz.v1beta1.MsgGrant', value: grant },
    { typeUrl: '/cosmos.authz.v1beta1.MsgRevoke', value: { granter: key.address, grantee: RECIPIENT, msgTypeUrl: '/cosmos.bank.v1beta1.MsgSend' } },
    {
      typeUrl: '/cosmos.feegrant.v1beta1.MsgGrantAllowance',
      value: { granter: key.address, grantee: RECIPIENT, allowance: { typeUrl: '/cosmos.feegrant.v1beta1.BasicAllowance', value: new Uint8Array() } },
    },
    { typeUrl: '/cosmos.feegrant.v1beta1.MsgRevokeAllowance', value: { granter: key.address, grantee: RECIPIENT } },
  ]);
  assert.deepEqual(intent.flags, ['authority_change']);
  assert.deepEqual(intent.transfers, []);
  assert.ok(intent.notes?.includes(`grantee=${RECIPIENT}`));
  assert.ok(intent.notes?.includes('authorization=/cosmos.authz.v1beta1.GenericAuthorization'));
  await rejects([{ typeUrl: '/cosmos.authz.v1beta1.MsgGrant', value: { ...grant, granter: 'cosmos1else' } }], 'signer_mismatch', /granter/);
});

test('fee granter / payer other than us: recorded (notes, fee_delegated flag, fee payer); our fee: payer = us', async () => {
  const { key } = await cosmosTestKeys();
  const send = { typeUrl: '/cosmos.bank.v1beta1.MsgSend', value: MsgSend.fromPartial({ fromAddress: key.address, toAddress: RECIPIENT, amount: [atom('1')] }) };
  const granted = await decode([send], { feeGranter: 'cosmos1granter' });
  assert.deepEqual(granted.flags, ['fee_delegated']);
  assert.ok(granted.notes?.includes('fee_granter=cosmos1granter'));
  assert.deepEqual(granted.fees, [{ asset: 'denom:uatom', amount: 5000n, payer: 'cosmos1granter' }]);
  const paid = await decode([send], { feePayer: 'cosmos1payer' });
  assert.ok(paid.notes?.includes('fee_payer=cosmos1payer'));
  assert.equal(paid.fees[0]!.payer, 'cosmos1payer');
  const own = await decode([send], { feePayer: key.address });
  assert.deepEqual(own.flags, []);
  assert.equal(own.fees[0]!.payer, key.address);
});

test('unknown fields inside a known message, and a message that does not re-encode to itself, are refused', async () => {
  const { key } = await cosmosTestKeys();
  const good = MsgSend.encode(MsgSend.fromPartial({ fromAddress: key.address, toAddress: RECIPIENT, amount: [atom('1')] })).finish();
  await rejects([{ typeUrl: '/cosmos.bank.v1beta1.MsgSend', value: Uint8Array.from([...good, 0x78, 0x01]) }], 'decode_failed', /unknown fields|non-canonical/);
  await rejects([{ typeUrl: '/cosmos.bank.v1beta1.MsgSend', value: Uint8Array.from([...good, 0x12]) }], 'decode_failed');
  // the same field twice (a later to_address would win on chain): does not re-encode identically
  await rejects([{ typeUrl: '/cosmos.bank.v1beta1.MsgSend', value: Uint8Array.from([...good, 0x12, 0x02, 0x61, 0x62]) }], 'decode_failed');
});
