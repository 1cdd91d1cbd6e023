import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toBech32 } from '@cosmjs/encoding';
import { AuthInfo, SignDoc } from 'cosmjs-types/cosmos/tx/v1beta1/tx';
import { isOpenKmsError, toBase64 } from '@openkms/core';
import { checkCosmosPolicyId, cosmosKeyOptionsSchema, cosmosPolicyAliases, createCosmosChainSigner } from './index.js';
import { CHAIN_ID, RECIPIENT, buildSignDoc, cosmosTestKeys, msgSend } from './test-fixtures.js';

const signer = createCosmosChainSigner();
const ADDRESS = toBech32('cosmos', new Uint8Array(20).fill(7));
const check = (kind: Parameters<typeof checkCosmosPolicyId>[0], value: string, options: Record<string, unknown> = {}) =>
  signer.checkPolicyId!(kind, value, options);

test('the plugin exposes its policy hooks: key options schema (chain_id required), network, id checks, bare denoms', () => {
  assert.equal(signer.keyOptionsSchema, cosmosKeyOptionsSchema);
  assert.deepEqual((cosmosKeyOptionsSchema as { required: string[] }).required, ['chain_id']);
  assert.equal(cosmosKeyOptionsSchema.additionalProperties, false);
  assert.equal(signer.network?.({ chain_id: 'cosmoshub-4' }), 'cosmoshub-4');
  assert.equal(signer.policyAliases, cosmosPolicyAliases);
  assert.equal(cosmosPolicyAliases.bareAssetNamespace, 'denom');
});

test('asset ids are denom:<valid denom>; native, spl: and erc20: cannot occur on a Cosmos key', () => {
  for (const ok of ['denom:uatom', 'denom:ibc/27394FB092D2ECCD56123C74F36E4C1F926001CEADA9CA97EA622B25F41E5EB2', 'denom:factory/osmo1x/abc']) {
    assert.equal(check('asset', ok), undefined, ok);
  }
  for (const bad of ['denom:u', 'denom:1atom', 'denom:', 'native', 'spl:EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v', 'erc20:0xabc', 'uatom']) {
    assert.ok(check('asset', bad), bad);
  }
});

test('addresses and contracts are bech32 with the key prefix; type URLs and methods are checked too', () => {
  assert.equal(check('address', ADDRESS), undefined);
  assert.match(check('address', ADDRESS, { bech32_prefix: 'osmo' })!, /prefix "cosmos".*"osmo"/);
  assert.equal(createCosmosChainSigner({ bech32_prefix: 'osmo' }).checkPolicyId!('address', ADDRESS, {})?.includes('osmo'), true);
  assert.ok(check('address', ADDRESS.slice(0, -1) + (ADDRESS.endsWith('q') ? 'p' : 'q')), 'bad checksum');
  assert.ok(check('address', '11111111111111111111111111111111'), 'a Solana address');
  assert.ok(check('address', ADDRESS.toUpperCase()), 'mixed or upper case');
  assert.equal(check('contract', ADDRESS), undefined);
  assert.equal(check('message_type', '/cosmos.bank.v1beta1.MsgSend'), undefined);
  assert.equal(check('program', '/cosmos.bank.v1beta1.MsgSend'), undefined, 'allowed_recipients[].program is the message type');
  assert.ok(check('message_type', 'cosmos.bank.v1beta1.MsgSend'));
  assert.ok(check('program', '11111111111111111111111111111111'));
  assert.equal(check('method', 'swap'), undefined);
  assert.ok(check('method', 'swap now'));
});

test('a (deprecated) tip is well-formed but unsupported: its own code, not decode_failed', async () => {
  const { key } = await cosmosTestKeys();
  const { signDoc } = buildSignDoc({ signerPubkeys: [key.publicKey], messages: [msgSend(key.address, RECIPIENT, [{ denom: 'uatom', amount: '1' }])] });
  const authInfo = AuthInfo.decode(signDoc.authInfoBytes);
  const withTip = SignDoc.encode({
    ...signDoc,
    authInfoBytes: AuthInfo.encode({ ...authInfo, tip: { amount: [{ denom: 'uatom', amount: '1' }], tipper: key.address } }).finish(),
  }).finish();
  await assert.rejects(
    async () => signer.decode({ label: key.label, sign_doc_b64: toBase64(withTip), expected_chain_id: CHAIN_ID }, key),
    (err: unknown) => isOpenKmsError(err) && err.code === 'unsupported' && err.context.part === 'auth_info_bytes',
  );
});

test('recipients: validators and proposals pass; an IBC transfer receiver may be on another chain (any prefix, valid bech32)', () => {
  const osmo = toBech32('osmo', new Uint8Array(20).fill(7));
  const opts = { chain_id: 'cosmoshub-4', bech32_prefix: 'cosmos' };
  assert.equal(checkCosmosPolicyId('address', 'proposal:42', opts, 'cosmos'), undefined);
  assert.match(checkCosmosPolicyId('address', osmo, opts, 'cosmos') ?? '', /prefix "osmo"/, 'a MsgSend recipient is on the key’s chain');
  assert.equal(checkCosmosPolicyId('address', osmo, opts, 'cosmos', { via: '/ibc.applications.transfer.v1.MsgTransfer' }), undefined);
  assert.match(
    checkCosmosPolicyId('address', osmo.slice(0, -1) + (osmo.endsWith('q') ? 'p' : 'q'), opts, 'cosmos', {
      via: '/ibc.applications.transfer.v1.MsgTransfer',
    }) ?? '',
    /not a bech32/,
    'the checksum still catches a typo',
  );
});
