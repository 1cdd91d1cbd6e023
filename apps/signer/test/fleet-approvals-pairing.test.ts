import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync } from 'node:fs';
import { generateKeyPairSync } from 'node:crypto';
import { join } from 'node:path';
import { redisMissing, startTestRedis, type TestRedis } from '@openkms/tooling/test-helpers';
import { TokenStore } from '../src/auth/token-store.js';
import type { TestSigner } from './support/test-signer.js';
import { startTestFleet } from './support/test-fleet.js';
import { SOL, appendToml, keyAddress, policyView, signSolana, solanaBody, withPolicy } from './support/policy-fixtures.js';

const SYSTEM = '11111111111111111111111111111111';
const SOL_1 = 1_000_000_000n;
const skip = redisMissing();
const agentPublicKey = () => generateKeyPairSync('x25519').publicKey.export({ format: 'der', type: 'spki' }).subarray(12).toString('base64');

/**
 * Fleet mode (issue 19): pending approvals and pairings live in Redis. A request held on one instance is listed,
 * approved or denied on another, and its result fetched from a third; its budget is one reservation of the fleet.
 * A pairing asked for on one instance is approved on another and its token delivered exactly once fleet-wide.
 */
describe('fleet mode: three instances share pending approvals and pairings', { skip }, () => {
  let redis: TestRedis;
  const fleet: TestSigner[] = [];
  const tok: Record<string, string> = {};
  let from = '';
  const [A, B, C] = [0, 1, 2];

  before(async () => {
    redis = await startTestRedis();
    const policy = withPolicy(
      SOL,
      `allowed_programs = [{ id = "${SYSTEM}" }]\nper_tx_caps = { native = "${5n * SOL_1}" }\nwindow_caps = { native = "${20n * SOL_1}" }\n` +
        `approval = { above = { native = "${2n * SOL_1}" }, approvers = ["alice", "bob"], quorum = 1, ttl_secs = 600 }`,
    );
    const pairing = appendToml('[pairing]\nrequests_per_minute_per_ip = 100');
    const testFleet = await startTestFleet({ redisUrl: redis.url, config: (t) => pairing(policy(t)), keyPrefix: 'approvals-test:' });
    fleet.push(...testFleet.instances);
    // the approvers' tokens on every instance (one token file, copied)
    const file = join(fleet[A]!.dir, 'tokens.json');
    const store = TokenStore.load(file);
    tok.alice = store.create('alice', [`approve:${SOL}`]);
    tok.bob = store.create('bob', ['admin']);
    for (const s of fleet.slice(1)) copyFileSync(file, join(s.dir, 'tokens.json'));
    from = await keyAddress(fleet[A]!, SOL);
  });
  after(async () => {
    // the current instances (one was restarted)
    for (const s of fleet) await s.close().catch(() => undefined);
    await redis?.close();
  });

  const remaining = async (s: TestSigner) => BigInt((await policyView(s, SOL)).runtime.spend.find((x: { asset: string }) => x.asset === 'native').remaining);

  test('held on A, listed on B, approved on C; the agent long-polling B gets the signature; one budget, committed once', async () => {
    const before = await remaining(fleet[C]!);
    const held = await signSolana(fleet[A]!, solanaBody(from, 3n * SOL_1));
    assert.equal(held.status, 202, held.text);
    const id = held.json.approval_id as string;
    // the held budget is the fleet's: C sees it reserved
    assert.ok(before - (await remaining(fleet[C]!)) >= 3n * SOL_1);
    const list = await fleet[B]!.request('GET', '/admin/approvals', { token: tok.alice });
    assert.equal(list.status, 200, list.text);
    assert.ok(list.json.some((a: { approval_id: string; status: string }) => a.approval_id === id && a.status === 'pending'));
    assert.equal((await fleet[B]!.request('GET', `/approvals/${id}`, { token: fleet[B]!.signerToken })).status, 202);

    const waiting = fleet[B]!.request('GET', `/approvals/${id}?wait=30`, { token: fleet[B]!.signerToken });
    await new Promise((r) => setTimeout(r, 300));
    const approved = await fleet[C]!.request('POST', `/admin/approvals/${id}/approve`, { token: tok.alice });
    assert.equal(approved.status, 200, approved.text);
    assert.equal(approved.json.status, 'approved');
    const got = await waiting;
    assert.equal(got.status, 200, got.text);
    assert.equal(typeof got.json.signature_b64, 'string');
    // the same answer from A (where it was held)
    const onA = await fleet[A]!.request('GET', `/approvals/${id}`, { token: fleet[A]!.signerToken });
    assert.equal(onA.json.signature_b64, got.json.signature_b64);
    // committed once: the budget still counts it exactly once, on every instance
    for (const s of fleet) {
      const v = await policyView(s, SOL);
      assert.equal(v.runtime.sign_counts.per_minute.used, 1);
      assert.equal(before - BigInt(v.runtime.spend.find((x: { asset: string }) => x.asset === 'native').remaining), before - (await remaining(fleet[C]!)));
    }
    const twice = await fleet[A]!.request('POST', `/admin/approvals/${id}/approve`, { token: tok.bob });
    assert.equal(twice.status, 409);
    assert.equal(twice.json.code, 'approval_not_pending');
  });

  test('held on B, denied on A: the budget returns to the fleet and the agent sees approval_denied on C', async () => {
    const before = await remaining(fleet[A]!);
    const held = await signSolana(fleet[B]!, solanaBody(from, 4n * SOL_1));
    assert.equal(held.status, 202, held.text);
    const id = held.json.approval_id as string;
    assert.ok(before - (await remaining(fleet[A]!)) >= 4n * SOL_1);
    const denied = await fleet[A]!.request('POST', `/admin/approvals/${id}/deny`, { token: tok.bob, body: { reason: 'not today' } });
    assert.equal(denied.status, 200, denied.text);
    assert.equal(denied.json.status, 'denied');
    assert.equal(await remaining(fleet[C]!), before);
    const seen = await fleet[C]!.request('GET', `/approvals/${id}`, { token: fleet[C]!.signerToken });
    assert.equal(seen.json.code, 'approval_denied', seen.text);
  });

  test('approved on A, B and C at once: exactly one approval signs', async () => {
    const held = await signSolana(fleet[C]!, solanaBody(from, 3n * SOL_1));
    assert.equal(held.status, 202, held.text);
    const id = held.json.approval_id as string;
    const results = await Promise.all(
      fleet.flatMap((s) => [tok.alice!, tok.bob!].map((token) => s.request('POST', `/admin/approvals/${id}/approve`, { token }))),
    );
    const ok = results.filter((r) => r.status === 200);
    assert.equal(ok.length, 1, results.map((r) => r.text).join('\n'));
    for (const r of results.filter((x) => x.status !== 200)) assert.ok(['approval_not_pending', 'approver_not_allowed'].includes(r.json.code), r.text);
    const got = await fleet[A]!.request('GET', `/approvals/${id}?wait=10`, { token: fleet[A]!.signerToken });
    assert.equal(got.status, 200, got.text);
    for (const s of fleet) assert.equal((await policyView(s, SOL)).runtime.sign_counts.per_minute.used, 2);
    // two signatures in the three audit logs together (the first test's and this one; the denied one none)
    const allows = fleet
      .map((s, i) => readFileSync(join(s.dir, 'audit', 'ABC'[i]!, 'audit.jsonl'), 'utf8'))
      .join('')
      .split('\n')
      .filter((l) => l.includes('"decision":"allow"'));
    assert.equal(allows.length, 2);
  });

  test('a restart of the instance that held a request does not reserve its budget again; it is approved there afterwards', async () => {
    const held = await signSolana(fleet[A]!, solanaBody(from, 3n * SOL_1));
    assert.equal(held.status, 202, held.text);
    const id = held.json.approval_id as string;
    const before = await remaining(fleet[B]!);
    fleet[A] = await fleet[A]!.restart();
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(await remaining(fleet[B]!), before, 'the held budget was reserved a second time');
    const approved = await fleet[A]!.request('POST', `/admin/approvals/${id}/approve`, { token: tok.bob });
    assert.equal(approved.status, 200, approved.text);
    assert.equal(approved.json.status, 'approved');
    assert.equal(await remaining(fleet[B]!), before);
  });

  test('a pairing asked for on A is approved on B and its token fetched exactly once, from whichever instance asks first', async () => {
    const asked = await fleet[A]!.request('POST', '/pairing', { body: { name: 'fleet-agent', scopes: ['read'], x25519_public_key: agentPublicKey() } });
    assert.equal(asked.status, 200, asked.text);
    const { pairing_id: id, code } = asked.json;
    assert.equal((await fleet[C]!.request('GET', `/pairing/${id}`)).status, 202);
    const list = await fleet[B]!.request('GET', '/admin/pairing', { token: fleet[B]!.adminToken });
    assert.ok(list.json.some((p: { pairing_id: string }) => p.pairing_id === id));
    // a wrong code on C counts fleet-wide
    const wrong = await fleet[C]!.request('POST', `/admin/pairing/${id}/approve`, { token: fleet[C]!.adminToken, body: { code: '0000-0000' } });
    assert.equal(wrong.json.code, 'pairing_code_mismatch', wrong.text);
    const approved = await fleet[B]!.request('POST', `/admin/pairing/${id}/approve`, { token: fleet[B]!.adminToken, body: { code } });
    assert.equal(approved.status, 200, approved.text);
    assert.equal(approved.json.wrong_codes, 1);
    // every instance fetches at once: one gets the sealed token, the others pairing_delivered
    const fetches = await Promise.all([C, A, B, C, A, B].map((i) => fleet[i]!.request('GET', `/pairing/${id}`)));
    const delivered = fetches.filter((r) => r.status === 200);
    assert.equal(delivered.length, 1, fetches.map((r) => r.text).join('\n'));
    assert.equal(typeof delivered[0]!.json.sealed_token.ciphertext_b64, 'string');
    for (const r of fetches.filter((x) => x.status !== 200)) {
      assert.equal(r.status, 410, r.text);
      assert.equal(r.json.code, 'pairing_delivered');
    }
    const shown = await fleet[A]!.request('GET', `/admin/pairing/${id}`, { token: fleet[A]!.adminToken });
    assert.equal(shown.json.status, 'delivered');
  });
});
