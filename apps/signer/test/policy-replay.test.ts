import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { startTestSigner, type TestSigner } from './support/test-signer.js';
import { SOL, appendToml, auditRecords, hsmEddsaSigns, keyAddress, policyView, signSolana, solanaBody, withPolicy } from './support/policy-fixtures.js';

const SYSTEM = '11111111111111111111111111111111';
const sha256 = (b64: string) => createHash('sha256').update(Buffer.from(b64, 'base64')).digest('hex');

describe('replay cache over HTTP', () => {
  let s: TestSigner;
  let from: string;
  let admin: (path: string, body?: unknown, method?: string) => Promise<{ status: number; json: any; text: string }>;
  before(async () => {
    s = await startTestSigner({
      config: (toml) =>
        appendToml('[replay]\nmax_entries = 3\nttl_secs = 1')(
          withPolicy(
            SOL,
            `max_signs_per_minute = 4\nper_tx_cap_lamports = "5000000000"\ndaily_cap_lamports = "10000000000"\nallowed_programs = [{ id = "${SYSTEM}" }]`,
          )(toml),
        ),
    });
    from = await keyAddress(s, SOL);
    admin = (path, body, method = 'POST') => s.request(method, path, { token: s.adminToken, ...(body === undefined ? {} : { body }) });
  });
  after(async () => {
    await s.close();
  });

  test('a repeat returns the identical signature without an HSM command, without spending twice, audited as replay', async () => {
    const body = solanaBody(from, 1_000_000_000n);
    const first = await signSolana(s, body);
    assert.equal(first.status, 200, first.text);
    const hsm = await hsmEddsaSigns(s);
    const view = await policyView(s, SOL);
    const again = await signSolana(s, body);
    assert.equal(again.status, 200, again.text);
    assert.deepEqual(again.json, first.json);
    assert.equal(await hsmEddsaSigns(s), hsm, 'no HSM sign command for a replay');
    // retry_after_secs counts down with the clock and day_unix (the rolling window's start) moves with it; everything
    // else must be unchanged
    const usage = (runtime: any) => JSON.parse(JSON.stringify(runtime, (k, v) => (k === 'retry_after_secs' || k === 'day_unix' || k === 'usage_read_at' ? undefined : v)));
    assert.deepEqual(usage((await policyView(s, SOL)).runtime), usage(view.runtime), 'nothing consumed');
    const recs = (await auditRecords(s)).filter((r) => r.signed_sha256 === sha256(body.message_b64));
    assert.deepEqual(
      recs.map((r) => r.decision),
      ['allow', 'replay'],
    );
    assert.equal(recs[1]!.signature_sha256, recs[0]!.signature_sha256);
    assert.equal(recs[1]!.token_name, 'demo-agent');
    assert.equal(recs[1]!.request_id, again.headers.get('x-request-id'));
    assert.ok(Array.isArray(recs[1]!.rules) && recs[1]!.rules.length > 0, 'the replay records the policy verdicts it was checked against');
  });

  test('a disabled key never gets a cached signature (key and global kill switch); enabling serves the replay again', async () => {
    const body = solanaBody(from, 1000);
    assert.equal((await signSolana(s, body)).status, 200);
    assert.equal((await admin(`/admin/keys/${SOL}/disable`)).status, 200);
    const refused = await signSolana(s, body);
    assert.equal(refused.status, 403, refused.text);
    assert.equal(refused.json.code, 'key_disabled');
    const explained = await s.request('POST', `/policy/${SOL}/explain`, { token: s.signerToken, body });
    assert.deepEqual([explained.json.allowed, explained.json.replay, explained.json.code], [false, undefined, 'key_disabled']);
    assert.equal((await admin(`/admin/keys/${SOL}/enable`)).status, 200);
    assert.equal((await admin('/admin/disable')).status, 200);
    const refusedAll = await signSolana(s, body);
    assert.equal(refusedAll.status, 403);
    assert.equal(refusedAll.json.code, 'global_disabled');
    assert.equal((await admin('/admin/enable')).status, 200);
    const hsm = await hsmEddsaSigns(s);
    assert.equal((await signSolana(s, body)).status, 200);
    assert.equal(await hsmEddsaSigns(s), hsm);
  });

  test('a replay of the signature that filled the rate limit is served (not 429); a new transaction gets 429', async () => {
    // the minute's limit is 4 and two signatures were made above; fill the rest
    const bodies = [solanaBody(from, 1), solanaBody(from, 2)];
    for (const b of bodies) assert.equal((await signSolana(s, b)).status, 200);
    assert.equal((await policyView(s, SOL)).runtime.sign_counts.per_minute.used, 4);
    // the dry run predicts it: a replay, allowed, with the limit's verdict still listed
    const explained = await s.request('POST', `/policy/${SOL}/explain`, { token: s.signerToken, body: bodies[1] });
    assert.equal(explained.json.allowed, true, explained.text);
    assert.equal(explained.json.replay, true);
    assert.equal(explained.json.rules.find((r: { rule: string }) => r.rule === 'max_signs_per_minute').ok, false);
    const explainedFresh = await s.request('POST', `/policy/${SOL}/explain`, { token: s.signerToken, body: solanaBody(from, 3) });
    assert.deepEqual([explainedFresh.json.allowed, explainedFresh.json.replay, explainedFresh.json.code], [false, undefined, 'rate_limited']);
    const replay = await signSolana(s, bodies[1]);
    assert.equal(replay.status, 200, replay.text);
    const fresh = await signSolana(s, solanaBody(from, 3));
    assert.equal(fresh.status, 429);
    assert.equal(fresh.json.code, 'rate_limited');
    const rec = (await auditRecords(s)).filter((r) => r.request_id === replay.headers.get('x-request-id'))[0]!;
    assert.equal(rec.decision, 'replay');
    assert.match(String(rec.reason), /rate and window limits/);
    const rules = rec.rules as { rule: string; ok: boolean }[];
    assert.equal(rules.find((r) => r.rule === 'max_signs_per_minute')!.ok, false, 'the verdicts show the limit that was not applied');
  });

  test('a replay is refused if the policy now forbids the transaction (per-tx cap tightened by an overlay)', async () => {
    const body = solanaBody(from, 1_000_000_000n);
    // the per-minute limit is full: raise it so the first signature can be made
    assert.equal((await admin(`/admin/keys/${SOL}/policy`, { max_signs_per_minute: 100 }, 'PATCH')).status, 200);
    assert.equal((await signSolana(s, body)).status, 200);
    assert.equal((await admin(`/admin/keys/${SOL}/policy`, { per_tx_caps: { native: '999' } }, 'PATCH')).status, 200);
    const res = await signSolana(s, body);
    assert.equal(res.status, 403, res.text);
    assert.equal(res.json.code, 'per_tx_cap_exceeded');
    assert.equal((await admin(`/admin/keys/${SOL}/policy`, undefined, 'DELETE')).status, 200);
  });

  test('identical requests in flight at the same time: one HSM signature, one budget, the others replay it', async () => {
    assert.equal((await admin(`/admin/keys/${SOL}/policy`, { max_signs_per_minute: 100 }, 'PATCH')).status, 200);
    const body = solanaBody(from, 7);
    const hsm = await hsmEddsaSigns(s);
    const used = (await policyView(s, SOL)).runtime.sign_counts.per_minute.used;
    const results = await Promise.all(Array.from({ length: 6 }, () => signSolana(s, body)));
    assert.deepEqual(
      results.map((r) => r.status),
      [200, 200, 200, 200, 200, 200],
    );
    for (const r of results) assert.deepEqual(r.json, results[0]!.json);
    assert.equal((await hsmEddsaSigns(s)) - hsm, 1);
    assert.equal((await policyView(s, SOL)).runtime.sign_counts.per_minute.used, used + 1);
    const decisions = (await auditRecords(s)).filter((r) => r.signed_sha256 === sha256(body.message_b64)).map((r) => r.decision);
    assert.deepEqual(decisions.sort(), ['allow', 'replay', 'replay', 'replay', 'replay', 'replay']);
    assert.equal((await admin(`/admin/keys/${SOL}/policy`, undefined, 'DELETE')).status, 200);
  });

  test('bounded: max_entries evicts the oldest, ttl_secs expires entries (then the HSM signs again and budget is spent)', async () => {
    assert.equal((await admin(`/admin/keys/${SOL}/policy`, { max_signs_per_minute: 100 }, 'PATCH')).status, 200);
    const bodies = [solanaBody(from, 11), solanaBody(from, 12), solanaBody(from, 13), solanaBody(from, 14)];
    for (const b of bodies) assert.equal((await signSolana(s, b)).status, 200);
    let hsm = await hsmEddsaSigns(s);
    // entries for 12, 13, 14 are cached (max 3); 11 was evicted
    assert.equal((await signSolana(s, bodies[3])).status, 200);
    assert.equal(await hsmEddsaSigns(s), hsm);
    assert.equal((await signSolana(s, bodies[0])).status, 200);
    assert.equal(await hsmEddsaSigns(s), hsm + 1, 'evicted: signed again');
    hsm += 1;
    await new Promise((r) => setTimeout(r, 1100)); // ttl_secs = 1
    const used = (await policyView(s, SOL)).runtime.sign_counts.per_minute.used;
    assert.equal((await signSolana(s, bodies[3])).status, 200);
    assert.equal(await hsmEddsaSigns(s), hsm + 1, 'expired: signed again');
    assert.equal((await policyView(s, SOL)).runtime.sign_counts.per_minute.used, used + 1);
    assert.equal((await admin(`/admin/keys/${SOL}/policy`, undefined, 'DELETE')).status, 200);
  });
});
