import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Keypair, PublicKey, SystemProgram, TransactionMessage } from '@solana/web3.js';
import { cosmosSendSignDoc } from './support/chain-fixtures.js';
import { ATOM, SOL, cosmosBody, cosmosPublicKey, cosmosSend, keyAddress, signSolana, solanaBody, waitForAudit } from './support/policy-fixtures.js';
import { startTestSigner, type TestSigner } from './support/test-signer.js';

/** Issue 8: defaults that deny, ids and options checked by the chain plugin, keys pinned to a network, denials an agent can act on. */
describe('deny by default, pinned networks and actionable denials over HTTP (demo keys)', () => {
  let s: TestSigner;
  let from: string;
  let k: { publicKey: Uint8Array; from: string };

  before(async () => {
    s = await startTestSigner();
    from = await keyAddress(s, SOL);
    k = { publicKey: await cosmosPublicKey(s), from: await keyAddress(s, ATOM) };
  });
  after(() => s.close());

  test('a denom no cap names is denied by default (uncapped_asset_denied), however small or large', async () => {
    for (const amount of ['1', '1000000000000000000000000000000']) {
      const res = await cosmosSend(s, k, [{ denom: 'uosmo', amount }]);
      assert.equal(res.status, 403, res.text);
      assert.equal(res.json.code, 'uncapped_asset_denied');
      assert.equal(res.json.details.rule, 'uncapped_assets');
      assert.equal(res.json.details.asset, 'denom:uosmo');
    }
    assert.equal((await cosmosSend(s, k, [{ denom: 'uatom', amount: '1000' }])).status, 200, 'the capped denom signs');
  });

  test('every key is pinned to its network: another one is 400 chain_id_mismatch; none means the key network', async () => {
    const other = await signSolana(s, { ...solanaBody(from, 1000), expected_chain_id: 'devnet' });
    assert.equal(other.status, 400, other.text);
    assert.equal(other.json.code, 'chain_id_mismatch');
    const none = await signSolana(s, solanaBody(from, 1000));
    assert.equal(none.status, 200, none.text);
    const [rec] = await waitForAudit(s, (r) => r.request_id === none.headers.get('x-request-id'));
    assert.equal(rec?.network, 'mainnet-beta', 'the request named no network: the key cluster is recorded and checked');
    // a sign doc for another Cosmos chain, even with a matching expected_chain_id, is not for this key
    const doc = cosmosSendSignDoc({ publicKey: k.publicKey, from: k.from, amounts: [{ denom: 'uatom', amount: '1' }], chainId: 'osmosis-1' });
    const cosmos = await s.request('POST', '/sign/cosmos', { token: s.signerToken, body: { ...cosmosBody(doc), expected_chain_id: 'osmosis-1' } });
    assert.equal(cosmos.status, 400, cosmos.text);
    assert.equal(cosmos.json.code, 'chain_id_mismatch');
  });

  test('a 403 carries the failing rule and its facts, exactly as explain shows them', async () => {
    const body = solanaBody(from, 6_000_000_000n);
    const explained = await s.request('POST', `/policy/${SOL}/explain`, { token: s.signerToken, body });
    assert.equal(explained.json.allowed, false);
    const res = await signSolana(s, body);
    assert.equal(res.status, 403, res.text);
    assert.equal(res.json.code, 'per_tx_cap_exceeded');
    const { violations, ...facts } = res.json.details;
    assert.deepEqual(facts, { label: SOL, rule: 'per_tx_caps', asset: 'native', cap: '5000000000', attempted: '6000000000' });
    assert.equal(violations.length, 1);
    assert.deepEqual(explained.json.details, res.json.details, 'explain predicts the details of the refusal');
    const rule = explained.json.rules.find((r: { rule: string }) => r.rule === 'per_tx_caps');
    for (const [key, value] of Object.entries(facts)) if (key !== 'label' && key !== 'rule') assert.deepEqual(rule.detail[key], value, key);
  });

  test('a 429 from a window cap says what is spent, what remains and when to retry (= Retry-After)', async () => {
    const patch = await s.request('PATCH', `/admin/keys/${SOL}/policy`, { token: s.adminToken, body: { daily_cap_lamports: '3000000' } });
    assert.equal(patch.status, 200, patch.text);
    assert.deepEqual(patch.json.overlay, { window_caps: { native: '3000000' } }, 'the Solana alias is folded by its plugin');
    try {
      const spentSoFar = BigInt((await s.request('GET', `/policy/${SOL}`, { token: s.signerToken })).json.runtime.spend[0].spent);
      const res = await signSolana(s, solanaBody(from, 3_000_000n - spentSoFar + 1n));
      assert.equal(res.status, 429, res.text);
      assert.equal(res.json.code, 'window_cap_exceeded');
      const d = res.json.details;
      assert.equal(d.rule, 'window_caps');
      assert.deepEqual([d.asset, d.cap, d.spent, d.remaining], ['native', '3000000', String(spentSoFar), String(3_000_000n - spentSoFar)]);
      assert.equal(d.retry_after_secs, Number(res.headers.get('retry-after')));
      assert.ok(d.retry_after_secs > 86_000, 'the oldest spend leaves the rolling window in about 24 h');
    } finally {
      await s.request('DELETE', `/admin/keys/${SOL}/policy`, { token: s.adminToken });
    }
  });

  test("a PATCH naming an id the key's chain cannot have is refused with its path (invalid_request); nothing changes", async () => {
    for (const [body, path] of [
      [{ per_tx_caps: { 'denom:uatom': '1' } }, 'per_tx_caps.denom:uatom'],
      [{ allowed_recipients: [{ addresses: ['not-an-address'] }] }, 'allowed_recipients[0].addresses[0]'],
    ] as const) {
      const res = await s.request('PATCH', `/admin/keys/${SOL}/policy`, { token: s.adminToken, body });
      assert.equal(res.status, 400, res.text);
      assert.equal(res.json.code, 'invalid_request');
      assert.equal(res.json.details.path, path);
    }
    assert.deepEqual((await s.request('GET', `/admin/keys/${SOL}/policy`, { token: s.adminToken })).json.overlay, {});
  });

  test('a reload with an invalid id or option is refused naming every error; the running config stays', async () => {
    const original = readFileSync(s.demo.files.config, 'utf8');
    try {
      writeFileSync(
        s.demo.files.config,
        original
          .replace('per_tx_cap_lamports = "5000000000"', 'per_tx_cap_lamports = "5000000000"\nwindow_caps = { "denom:uatom" = "1" }')
          .replace('chain_id = "cosmoshub-4"', 'chainid = "cosmoshub-4"'),
      );
      const res = await s.request('POST', '/admin/reload', { token: s.adminToken });
      assert.equal(res.status, 400, res.text);
      assert.equal(res.json.code, 'config_invalid');
      assert.deepEqual([...res.json.details.errors].map((e: string) => e.split(': ')[0]).sort(), [
        'keys.cosmos-hub-0.options.chain_id',
        'keys.cosmos-hub-0.options.chainid',
        'keys.solana-hot-0.policy.window_caps.denom:uatom',
      ]);
    } finally {
      writeFileSync(s.demo.files.config, original);
    }
    assert.equal((await signSolana(s, solanaBody(from, 1000))).status, 200, 'still signing with the running config');
  });

  test('a Solana message of a version this signer does not know is well-formed but unsupported: 400 unsupported, not decode_failed', async () => {
    const payer = new PublicKey(from);
    const v0 = new TransactionMessage({
      payerKey: payer,
      recentBlockhash: Keypair.generate().publicKey.toBase58(),
      instructions: [SystemProgram.transfer({ fromPubkey: payer, toPubkey: Keypair.generate().publicKey, lamports: 1 })],
    })
      .compileToV0Message()
      .serialize();
    const v1 = Uint8Array.from(v0);
    v1[0] = 0x81; // version 1: not defined by the runtime yet
    const res = await signSolana(s, { label: SOL, message_b64: Buffer.from(v1).toString('base64') });
    assert.equal(res.status, 400, res.text);
    assert.equal(res.json.code, 'unsupported');
  });
});

test('startup stops on an unknown key option (a pin that would silently do nothing), naming keys.<label>.options.<name>', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'openkms-defaults-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  await assert.rejects(
    startTestSigner({ dir, config: (toml) => toml.replace('cluster = "mainnet-beta"', 'cluster = "mainnet-beta"\nchainid = "x"') }),
    (err: unknown) => {
      const e = err as { code?: string; context?: { path?: string } };
      assert.equal(e.code, 'config_invalid');
      assert.equal(e.context?.path, 'keys.solana-hot-0.options.chainid');
      return true;
    },
  );
});
