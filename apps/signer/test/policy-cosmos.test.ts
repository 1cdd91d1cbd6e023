import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestSigner, type TestSigner } from './support/test-signer.js';
import { cosmosSendSignDoc } from './support/chain-fixtures.js';
import {
  ATOM,
  cosmosBody,
  cosmosDelegateSignDoc,
  cosmosPublicKey,
  cosmosSend,
  keyAddress,
  metricValue,
  policyView,
  waitForAudit,
  withPolicy,
} from './support/policy-fixtures.js';

const RECIPIENT = 'cosmos1qypqxpq9qcrsszg2pvxq6rs0zqg3yyc5lzv7xu';

describe('cosmos-hub-0 over HTTP: per-denom caps, denoms never summed, allowed_messages', () => {
  let s: TestSigner;
  let k: { publicKey: Uint8Array; from: string };
  const spend = async () => Object.fromEntries((await policyView(s, ATOM)).runtime.spend.map((x: { asset: string; spent: string }) => [x.asset, x.spent]));

  before(async () => {
    s = await startTestSigner({
      config: withPolicy(
        ATOM,
        `
max_signs_per_minute = 100
per_tx_caps = { "denom:uatom" = "10000000", "denom:uosmo" = "3000" }
window_caps = { "denom:uatom" = "15000000", "denom:uosmo" = "5000" }
fee_caps = { "denom:uatom" = "50000" }
allow_unknown_instructions = true
allowed_messages = [{ type_url = "/cosmos.bank.v1beta1.MsgSend", allowed_recipients = ["${RECIPIENT}"] }]
`,
      ),
    });
    k = { publicKey: await cosmosPublicKey(s), from: await keyAddress(s, ATOM) };
  });
  after(async () => {
    await s.close();
  });

  test('two denoms in one transaction are capped separately, never summed', async () => {
    // 2500 + 2500 = 5000 would exceed the 3000 uosmo per-tx cap if the denoms were added up; the 5000 uatom fee the
    // key pays counts as uatom spend
    const res = await cosmosSend(s, k, [
      { denom: 'uatom', amount: '2500' },
      { denom: 'uosmo', amount: '2500' },
    ]);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.signer_address, k.from);
    assert.deepEqual(await spend(), { 'denom:uatom': '7500', 'denom:uosmo': '2500' });
    const view = await policyView(s, ATOM);
    const osmo = view.runtime.spend.find((x: { asset: string }) => x.asset === 'denom:uosmo');
    assert.deepEqual({ cap: osmo.cap, remaining: osmo.remaining }, { cap: '5000', remaining: '2500' });
    assert.ok(typeof osmo.resets_at === 'string');
  });

  test('per-denom per-tx cap: 403 naming the denom, cap and attempted amount', async () => {
    const res = await cosmosSend(s, k, [{ denom: 'uosmo', amount: '4000' }]);
    assert.equal(res.status, 403, res.text);
    assert.equal(res.json.code, 'per_tx_cap_exceeded');
    assert.match(res.json.error, /cap=3000 attempted=4000 asset=denom:uosmo/);
    const big = await cosmosSend(s, k, [{ denom: 'uatom', amount: '10000001' }]);
    assert.equal(big.json.code, 'per_tx_cap_exceeded');
    assert.match(big.json.error, /asset=denom:uatom/);
  });

  test('per-denom rolling window: uosmo is full (429 + Retry-After) while uatom still signs', async () => {
    const osmo = await cosmosSend(s, k, [{ denom: 'uosmo', amount: '2600' }]);
    assert.equal(osmo.status, 429, osmo.text);
    assert.equal(osmo.json.code, 'window_cap_exceeded');
    assert.match(osmo.json.error, /cap=5000 spent=2500 attempted=2600 asset=denom:uosmo/);
    assert.ok(Number(osmo.headers.get('retry-after')) > 0);
    const atom = await cosmosSend(s, k, [{ denom: 'uatom', amount: '2600' }]);
    assert.equal(atom.status, 200, atom.text);
    assert.deepEqual(await spend(), { 'denom:uatom': '15100', 'denom:uosmo': '2500' }, 'transfers plus the 5000 uatom fees');
  });

  test('allowed_messages: an unlisted message type is 403 message_not_allowed; a listed type to an unlisted recipient is 403 too', async () => {
    const hsmBefore = await metricValue(s, 'openkms_hsm_command_duration_seconds_count', '{command="signEcdsa"}');
    const delegate = await s.request('POST', '/sign/cosmos', { token: s.signerToken, body: cosmosBody(cosmosDelegateSignDoc({ ...k, amount: '100' })) });
    assert.equal(delegate.status, 403, delegate.text);
    assert.equal(delegate.json.code, 'message_not_allowed');
    assert.match(delegate.json.error, /MsgDelegate/);
    const listed = await cosmosSend(s, k, [{ denom: 'uatom', amount: '1' }]);
    assert.equal(listed.status, 200, 'the listed recipient is the fixture default');
    const res = await s.request('POST', '/sign/cosmos', {
      token: s.signerToken,
      body: cosmosBody(cosmosSendSignDoc({ ...k, to: k.from, amounts: [{ denom: 'uatom', amount: '1' }], memo: 'self' })),
    });
    assert.equal(res.status, 403, res.text);
    assert.equal(res.json.code, 'recipient_not_allowed');
    assert.equal(
      (await metricValue(s, 'openkms_hsm_command_duration_seconds_count', '{command="signEcdsa"}')) - hsmBefore,
      1,
      'only the allowed one reached the HSM',
    );
    const [rec] = await waitForAudit(s, (r) => r.request_id === delegate.json.request_id);
    assert.equal(rec?.chain, 'cosmos');
    assert.deepEqual(rec?.intent?.message_types, ['/cosmos.staking.v1beta1.MsgDelegate']);
  });

  test('an overlay switches allowed_messages at once (MsgSend becomes message_not_allowed), DELETE restores it', async () => {
    const patch = await s.request('PATCH', `/admin/keys/${ATOM}/policy`, {
      token: s.adminToken,
      body: { allowed_messages: [{ type_url: '/cosmos.staking.v1beta1.MsgDelegate' }] },
    });
    assert.equal(patch.status, 200, patch.text);
    const send = await cosmosSend(s, k, [{ denom: 'uatom', amount: '1' }]);
    assert.equal(send.status, 403);
    assert.equal(send.json.code, 'message_not_allowed');
    assert.equal((await s.request('DELETE', `/admin/keys/${ATOM}/policy`, { token: s.adminToken })).status, 200);
    assert.equal((await cosmosSend(s, k, [{ denom: 'uatom', amount: '1' }])).status, 200);
  });
});
