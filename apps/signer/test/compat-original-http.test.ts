/**
 * The original Rust openKMS's HTTP scenarios, re-expressed against our demo: its README examples, the steps of its
 * scripts/remote_e2e_smoke.sh, and the requests and asserted substrings of its integration tests (tests/integration.rs,
 * tests/sign_solana_devnet.rs, tests/sign_cosmos_atom.rs). Requests are sent exactly as its agents send them (no
 * fields of ours); assertions are the original's, plus its wire fields that agents read. Differences that remain are
 * listed in README "Migrating from the Rust openKMS".
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { Keypair } from '@solana/web3.js';
import { cosmosSendSignDoc, solanaTransferMessage } from './support/chain-fixtures.js';
import { originalCompatConfig } from './support/original-compat-config.js';
import { startTestSigner, type TestSigner } from './support/test-signer.js';

const SOL = 'solana-hot-0';
const ATOM = 'cosmos-hub-0';
const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');

describe("the original openKMS's HTTP scenarios against our demo", () => {
  let s: TestSigner;
  let solAddress: string;
  let solPub: Uint8Array;
  let atomAddress: string;
  let atomPub: Uint8Array;
  before(async () => {
    s = await startTestSigner({ config: originalCompatConfig });
    const keys = (await s.request('GET', '/keys')).json as { label: string; address: string; public_key_b64: string }[];
    const sol = keys.find((k) => k.label === SOL)!;
    const atom = keys.find((k) => k.label === ATOM)!;
    solAddress = sol.address;
    solPub = new Uint8Array(Buffer.from(sol.public_key_b64, 'base64'));
    atomAddress = atom.address;
    atomPub = new Uint8Array(Buffer.from(atom.public_key_b64, 'base64'));
  });
  after(async () => {
    await s?.close();
  });
  const sign = (chain: string, body: unknown, token: string | undefined = s.signerToken) =>
    s.request('POST', `/sign/${chain}`, { ...(token === undefined ? {} : { token }), body });
  const solMessage = (lamports: bigint, from = solAddress) => solanaTransferMessage({ from, lamports });
  const atomDoc = (o: { chainId?: string; publicKey?: Uint8Array; amount?: string } = {}) =>
    cosmosSendSignDoc({
      publicKey: o.publicKey ?? atomPub,
      from: atomAddress,
      amounts: [{ denom: 'uatom', amount: o.amount ?? '1000' }],
      chainId: o.chainId ?? 'cosmoshub-4',
    });

  test('README GET /health and smoke step 1: {status: "ok", hsm_up: <bool>}', async () => {
    const r = await s.request('GET', '/health');
    assert.equal(r.status, 200);
    assert.equal(r.json.status, 'ok');
    assert.equal(typeof r.json.hsm_up, 'boolean');
    assert.equal(r.json.hsm_up, true);
  });

  test('README GET /keys and smoke step 2 (with auth.public_keys = true): an array of {label, chain, address, enabled, object_id, derivation_path}', async () => {
    const r = await s.request('GET', '/keys');
    assert.equal(r.status, 200, 'no token needed, as in the original');
    assert.ok(Array.isArray(r.json));
    const labels = new Set(r.json.map((e: { label: string }) => e.label));
    assert.ok(labels.has(SOL) && labels.has(ATOM));
    for (const e of r.json) {
      for (const f of ['label', 'chain', 'address', 'enabled', 'object_id', 'derivation_path']) assert.ok(f in e, `${e.label}: ${f}`);
      assert.ok(Number.isInteger(e.object_id), 'object_id is an integer, as the original returns it');
      assert.equal(typeof e.enabled, 'boolean');
    }
    const atom = r.json.find((e: { label: string }) => e.label === ATOM);
    assert.equal(atom.object_id, 256, 'the README example: cosmos-hub-0 at object 256 (0x0100)');
    assert.equal(atom.derivation_path, "m/44'/118'/0'/0/0");
    assert.equal(atom.chain, 'cosmos');
    assert.match(atom.address, /^cosmos1/);
    // integration.rs serves_health_and_keys: keys is an array; signs_and_honors_admin_disable: [0].label/enabled
    assert.equal(r.json.find((e: { label: string }) => e.label === SOL).enabled, true);
  });

  test('README curl: POST /sign/solana {label, message_b64} → {signature_b64}, an Ed25519 signature of the message', async () => {
    const message = solMessage(1000n);
    const r = await sign('solana', { label: SOL, message_b64: b64(message) });
    assert.equal(r.status, 200, r.text);
    const sig = new Uint8Array(Buffer.from(r.json.signature_b64, 'base64'));
    assert.equal(sig.length, 64);
    assert.ok(ed25519.verify(sig, message, solPub));
  });

  test('sign_solana_devnet: with expected_chain_id "devnet"; the same request again is the same body (replay)', async () => {
    const body = { label: SOL, message_b64: b64(solMessage(1_000_000n)), expected_chain_id: 'devnet' };
    const first = await sign('solana', body);
    assert.equal(first.status, 200, first.text);
    const second = await sign('solana', body);
    assert.equal(second.status, 200);
    assert.deepEqual(second.json, first.json, 'replay cache should return byte-identical body');
  });

  test('sign_solana_devnet wrong_signer_in_message: 400 naming "not among the first … required signers"', async () => {
    const r = await sign('solana', { label: SOL, message_b64: b64(solMessage(1000n, Keypair.generate().publicKey.toBase58())), expected_chain_id: 'devnet' });
    assert.equal(r.status, 400);
    assert.ok(r.text.includes('not among the first') || r.text.includes('required signers'), r.text);
    assert.match(r.text, /not among the first 1 required signers/);
  });

  test('sign_solana_devnet oversized_message: 1233 bytes → 400 naming "packet limit"', async () => {
    const r = await sign('solana', { label: SOL, message_b64: b64(new Uint8Array(1233)), expected_chain_id: 'devnet' });
    assert.equal(r.status, 400);
    assert.ok(r.text.includes('packet limit'), r.text);
  });

  test('sign_cosmos_atom: README request {label, sign_doc_b64, expected_chain_id} → a 64-byte low-S signature over sha256(sign doc)', async () => {
    const doc = atomDoc();
    const body = { label: ATOM, sign_doc_b64: b64(doc), expected_chain_id: 'cosmoshub-4' };
    const r = await sign('cosmos', body);
    assert.equal(r.status, 200, r.text);
    const sig = new Uint8Array(Buffer.from(r.json.signature_b64, 'base64'));
    assert.equal(sig.length, 64);
    assert.ok(secp256k1.verify(sig, createHash('sha256').update(doc).digest(), atomPub, { prehash: false, lowS: true }), 'verifies, low-S');
    assert.equal(r.json.signer_address, atomAddress, 'README: signer_address');
    const again = await sign('cosmos', body);
    assert.deepEqual(again.json, r.json, 'replay cache should return byte-identical body');
  });

  test('sign_cosmos_atom chain_id_mismatch: 400 naming "chain_id"', async () => {
    const r = await sign('cosmos', { label: ATOM, sign_doc_b64: b64(atomDoc({ chainId: 'provider' })), expected_chain_id: 'cosmoshub-4' });
    assert.equal(r.status, 400);
    assert.ok(r.text.includes('chain_id'), r.text);
  });

  test('sign_cosmos_atom wrong_pubkey_in_authinfo: 400 naming "pubkey"', async () => {
    const other = secp256k1.getPublicKey(new Uint8Array(32).fill(0x9a), true);
    const r = await sign('cosmos', { label: ATOM, sign_doc_b64: b64(atomDoc({ publicKey: other })), expected_chain_id: 'cosmoshub-4' });
    assert.equal(r.status, 400);
    assert.ok(r.text.includes('pubkey'), r.text);
  });

  test('integration.rs unauthenticated_sign: no token → 401 on /sign/solana; "Bearer nope" → 401 on /sign/cosmos', async () => {
    assert.equal((await s.request('POST', '/sign/solana', { rawBody: '{}' })).status, 401);
    assert.equal((await s.request('POST', '/sign/cosmos', { token: 'nope', rawBody: '{}' })).status, 401);
  });

  test("README GET /metrics and smoke step 3: Prometheus text with the original's metric names", async () => {
    await sign('solana', { label: SOL, message_b64: b64(solMessage(9_000_000_000n)) }); // above the per-tx cap: a denial
    const r = await s.request('GET', '/metrics');
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') ?? '', /^text\/plain/);
    assert.ok(r.text.includes('openkms_'));
    for (const name of [
      'openkms_signs_total',
      'openkms_sign_duration_seconds',
      'openkms_policy_denials_total',
      'openkms_inflight',
      'openkms_hsm_up',
      'openkms_replay_hits_total',
      'openkms_signer_errors_total',
    ])
      assert.ok(r.text.includes(name), name);
    assert.match(r.text, new RegExp(`^openkms_signs_total\\{chain="solana",key="${SOL}",decision="allow"\\} [1-9]`, 'm'));
    assert.match(r.text, new RegExp(`^openkms_signs_total\\{chain="solana",key="${SOL}",decision="replay"\\} [1-9]`, 'm'));
    assert.match(r.text, new RegExp(`^openkms_policy_denials_total\\{chain="solana",key="${SOL}",reason="per_tx_cap_exceeded"\\} 1$`, 'm'));
    assert.match(r.text, /^openkms_replay_hits_total [1-9]/m);
    assert.match(r.text, new RegExp(`^openkms_sign_duration_seconds_count\\{chain="solana",key="${SOL}"\\} [1-9]`, 'm'));
    assert.match(r.text, /^openkms_signer_errors_total\{chain="solana",kind="decode"\} [1-9]/m, 'the 400s above are decode errors');
  });

  test('GET /policy/{label}: the fields its agents read (object_id, derivation_path, *_cap_lamports, runtime.*)', async () => {
    const r = await s.request('GET', `/policy/${SOL}`, { token: s.signerToken });
    assert.equal(r.status, 200);
    const v = r.json;
    assert.equal(v.object_id, 257);
    assert.equal(v.derivation_path, "m/44'/501'/0'/0'");
    assert.equal(v.effective_enabled, true);
    assert.equal(v.policy.per_tx_cap_lamports, '5000000000', 'echoed as configured');
    assert.equal(v.policy.daily_cap_lamports, '20000000000');
    assert.equal(v.runtime.effective_enabled, true);
    assert.equal(v.runtime.enabled_override, null);
    for (const w of ['per_minute', 'per_hour', 'per_day']) {
      assert.ok(Number.isInteger(v.runtime.sign_counts[w].limit), w);
      assert.ok(Number.isInteger(v.runtime.sign_counts[w].used));
      assert.ok(Number.isInteger(v.runtime.sign_counts[w].window_secs));
    }
    const native = v.runtime.daily_spend.find((x: { token: string }) => x.token === 'native');
    assert.deepEqual(Object.keys(native).sort(), ['cap', 'day_unix', 'spent', 'token']);
    assert.ok(BigInt(native.spent) > 0n);
    assert.equal(native.cap, '20000000000');
    assert.ok(Array.isArray(v.runtime.spend), 'ours is still there');
    const list = await s.request('GET', '/policy', { token: s.signerToken });
    assert.deepEqual(
      list.json.map((x: { label: string }) => x.label),
      [SOL, ATOM, 'evm-hot-0'],
    );
  });

  test('GET /admin/policy and the admin policy routes: {policy_source, baseline_policy, policy, runtime} beside our overlay', async () => {
    const all = await s.request('GET', '/admin/policy', { token: s.adminToken });
    assert.equal(all.status, 200);
    for (const snap of all.json) for (const f of ['label', 'policy_source', 'baseline_policy', 'policy', 'runtime', 'overlay']) assert.ok(f in snap, f);
    const one = await s.request('GET', `/admin/keys/${SOL}/policy`, { token: s.adminToken });
    assert.equal(one.json.policy_source, 'config');
  });

  test('README kill switch: POST /admin/keys/<label>/disable with the admin token → {label, enabled: false}; signing is then 403', async () => {
    const off = await s.request('POST', `/admin/keys/${SOL}/disable`, { token: s.adminToken });
    assert.equal(off.status, 200);
    assert.deepEqual(off.json, { label: SOL, enabled: false });
    const blocked = await sign('solana', { label: SOL, message_b64: b64(solMessage(2000n)) });
    assert.equal(blocked.status, 403);
    assert.equal((await s.request('GET', '/keys')).json.find((e: { label: string }) => e.label === SOL).enabled, false);
    const view = (await s.request('GET', `/policy/${SOL}`, { token: s.signerToken })).json;
    assert.equal(view.runtime.enabled_override, false);
    const on = await s.request('POST', `/admin/keys/${SOL}/enable`, { token: s.adminToken });
    assert.deepEqual(on.json, { label: SOL, enabled: true });
    assert.equal((await sign('solana', { label: SOL, message_b64: b64(solMessage(2001n)) })).status, 200);
  });

  test('migration guide: an unknown request field is refused (the original ignored it) with this exact error', async () => {
    const r = await sign('solana', { label: SOL, message_b64: b64(solMessage(1000n)), priority: 'high' });
    assert.equal(r.status, 400);
    assert.equal(r.json.code, 'invalid_request');
    assert.equal(r.json.error, 'invalid request body: priority: unknown key');
  });
});
