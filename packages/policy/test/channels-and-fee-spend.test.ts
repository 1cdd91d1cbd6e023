import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PolicyEngine, parsePolicy, policyJsonSchema } from '../src/index.js';
import { cosmosTx, ruleOf, testClock, transfer } from './helpers.js';

const IBC = '/ibc.applications.transfer.v1.MsgTransfer';
const MSG_SEND = '/cosmos.bank.v1beta1.MsgSend';

function engine(policy: Record<string, unknown>) {
  return new PolicyEngine({ keys: { atom: { chain: 'cosmos', policy } }, now: testClock().now });
}

const ibc = (channel: string | undefined, amount = 10n) => ({
  ...transfer(amount, 'osmo1dest', 'denom:uatom', IBC),
  ...(channel === undefined ? {} : { channel }),
});

test('allowed_messages[].allowed_channels: parsed, in the JSON schema, and enforced → channel_not_allowed', () => {
  const policy = parsePolicy({ allowed_messages: [{ type_url: IBC, allowed_channels: ['channel-141'] }] }, 'p');
  assert.deepEqual(policy.allowed_messages[0]!.allowed_channels, ['channel-141']);
  assert.ok((policyJsonSchema as any).properties.allowed_messages.items.properties.allowed_channels);
  assert.throws(() => parsePolicy({ allowed_messages: [{ type_url: IBC, allowed_channels: 'channel-1' }] }, 'p'), { code: 'config_invalid' });

  const e = engine({ allowed_messages: [{ type_url: IBC, allowed_channels: ['channel-141'] }], per_tx_caps: { 'denom:uatom': '1000' } });
  assert.equal(e.explain('atom', cosmosTx([ibc('channel-141')])).allowed, true);
  const d = e.explain('atom', cosmosTx([ibc('channel-0')]));
  assert.equal(d.code, 'channel_not_allowed');
  assert.equal(d.kind, 'forbidden');
  assert.match(d.message!, /channel-0/);
  // a transfer through the restricted type that names no channel fails closed
  assert.equal(e.explain('atom', cosmosTx([ibc(undefined)])).code, 'channel_not_allowed');
  // without allowed_channels any channel passes the rule
  const open = engine({ allowed_messages: [{ type_url: IBC }], per_tx_caps: { 'denom:uatom': '1000' } });
  assert.equal(ruleOf(open.explain('atom', cosmosTx([ibc('channel-9')])), 'allowed_channels').ok, true);
});

test('a fee the signer pays counts as spend in its denom (per-tx and window caps); a fee paid by another does not', () => {
  const policy = { allowed_messages: [{ type_url: MSG_SEND }], per_tx_caps: { 'denom:uatom': '1000' }, window_caps: { 'denom:uatom': '1500' } };
  const e = engine(policy);
  const send = (amount: bigint, payer: string) =>
    cosmosTx([transfer(amount, 'cosmos1to', 'denom:uatom', MSG_SEND)], { fees: [{ asset: 'denom:uatom', amount: 200n, payer }] });
  // 900 + 200 fee > 1000
  const d = e.explain('atom', send(900n, 'cosmos1signer'));
  assert.equal(d.code, 'per_tx_cap_exceeded');
  assert.match(d.message!, /cap=1000 attempted=1100 asset=denom:uatom/);
  // the same transfer with the fee granted by someone else is within the cap
  assert.equal(e.explain('atom', send(900n, 'cosmos1granter')).allowed, true);
  // the reservation records transfer + own fee: 700 + 200 = 900, then 500 + 200 exceeds the 1500 window
  const r = e.authorize('atom', send(700n, 'cosmos1signer'));
  assert.equal(r.decision.allowed, true);
  r.reservation!.commit();
  const w = e.explain('atom', send(500n, 'cosmos1signer'));
  assert.equal(w.code, 'window_cap_exceeded');
  assert.match(w.message!, /spent=900 attempted=700/);
  // fees in another denom are never added to uatom
  const osmoFee = cosmosTx([transfer(1000n, 'cosmos1to', 'denom:uatom', MSG_SEND)], { fees: [{ asset: 'denom:uosmo', amount: 99n, payer: 'cosmos1signer' }] });
  assert.equal(ruleOf(e.explain('atom', osmoFee), 'per_tx_caps').ok, true);
});

test('a fee the signer pays in an asset no cap names is refused like an uncapped transfer (reliability suite finding)', () => {
  const policy = { allowed_messages: [{ type_url: MSG_SEND }], per_tx_caps: { 'denom:uatom': '1000' }, fee_caps: { 'denom:uatom': '500' } };
  const e = engine(policy);
  const send = (fee: { asset: string; amount: bigint; payer: string }) => cosmosTx([transfer(10n, 'cosmos1to', 'denom:uatom', MSG_SEND)], { fees: [fee] });
  // 10^30 uosmo of fees paid by the key: unbounded spend unless refused
  const d = e.explain('atom', send({ asset: 'denom:uosmo', amount: 10n ** 30n, payer: 'cosmos1signer' }));
  assert.equal(d.code, 'uncapped_asset_denied');
  assert.match(d.message!, /denom:uosmo/);
  // a fee paid by a granter is not the key's spend; a fee cap on the denom caps it
  assert.equal(e.explain('atom', send({ asset: 'denom:uosmo', amount: 10n ** 30n, payer: 'cosmos1granter' })).allowed, true);
  const capped = engine({ ...policy, fee_caps: { 'denom:uatom': '500', 'denom:uosmo': '100' } });
  assert.equal(capped.explain('atom', send({ asset: 'denom:uosmo', amount: 100n, payer: 'cosmos1signer' })).allowed, true);
  assert.equal(capped.explain('atom', send({ asset: 'denom:uosmo', amount: 101n, payer: 'cosmos1signer' })).code, 'fee_cap_exceeded');
  // the uatom fee within its fee cap stays allowed
  assert.equal(e.explain('atom', send({ asset: 'denom:uatom', amount: 500n, payer: 'cosmos1signer' })).allowed, true);
});
