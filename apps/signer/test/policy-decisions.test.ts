import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { TokenStore } from '../src/auth/token-store.js';
import { startTestSigner, type TestSigner } from './support/test-signer.js';
import { solanaTransferMessage } from './support/chain-fixtures.js';
import { SOL, auditRecords, hsmEddsaSigns, keyAddress, policyView, signSolana, solanaBody, waitForAudit, withPolicy } from './support/policy-fixtures.js';

const SYSTEM = '11111111111111111111111111111111';

describe('policy decisions over HTTP (403 / 429, every rule recorded)', () => {
  let s: TestSigner;
  let from: string;
  before(async () => {
    s = await startTestSigner({
      config: withPolicy(
        SOL,
        `
max_signs_per_minute = 1000
per_tx_cap_lamports = "5000000000"
daily_cap_lamports = "8000000000"
allowed_programs = [{ id = "${SYSTEM}" }]
`,
      ),
    });
    from = await keyAddress(s, SOL);
  });
  after(async () => {
    await s.close();
  });

  test('per-tx cap: 403 per_tx_cap_exceeded with cap, attempted amount and asset; audited with every rule', async () => {
    const res = await signSolana(s, solanaBody(from, 12_000_000_000n));
    assert.equal(res.status, 403, res.text);
    assert.equal(res.json.code, 'per_tx_cap_exceeded');
    assert.match(res.json.error, /per_tx_caps\.native exceeded: cap=5000000000 attempted=12000000000 asset=native/);
    assert.equal(res.headers.get('retry-after'), null);
    const [rec] = await waitForAudit(s, (r) => r.request_id === res.json.request_id);
    assert.ok(rec, 'the denial is audited');
    assert.equal(rec.decision, 'deny');
    assert.equal(rec.reason_code, 'per_tx_cap_exceeded');
    assert.equal(rec.token_name, 'demo-agent');
    const rules = rec.rules as { rule: string; ok: boolean; code?: string }[];
    // every rule was evaluated, not just up to the first failure
    for (const name of ['global_enabled', 'key_enabled', 'allowed_programs', 'per_tx_caps', 'max_signs_per_minute', 'window_caps']) {
      assert.ok(
        rules.some((r) => r.rule === name),
        `rule ${name} recorded`,
      );
    }
    assert.equal(rules.find((r) => r.rule === 'per_tx_caps')!.ok, false);
    // the window cap (8 SOL) is exceeded by 12 SOL too: recorded, but the first failing rule's code wins
    assert.equal(rules.find((r) => r.rule === 'window_caps')!.ok, false);
    assert.equal(rules.find((r) => r.rule === 'allowed_programs')!.ok, true);
  });

  test("an unknown program: 403 with the FIRST failing rule's code; the later failing rule is recorded too", async () => {
    const res = await signSolana(s, solanaBody(from, 1000, { extraProgram: true }));
    assert.equal(res.status, 403, res.text);
    // rule order: unknown_instructions (#6) fails before allowed_programs (#7)
    assert.equal(res.json.code, 'unknown_instruction_denied');
    assert.match(res.json.error, /^policy: /);
    const [rec] = await waitForAudit(s, (r) => r.request_id === res.json.request_id);
    const rules = rec!.rules as { rule: string; ok: boolean; code?: string; message?: string }[];
    const programs = rules.find((r) => r.rule === 'allowed_programs')!;
    assert.equal(programs.ok, false);
    assert.equal(programs.code, 'program_not_allowed');
    const extra = rec!.intent!.programs.find((p: string) => p !== SYSTEM)!;
    assert.ok(programs.message?.includes(extra), programs.message);
  });

  test('rolling window cap: 429 window_cap_exceeded with Retry-After; the spend shows in GET /policy', async () => {
    const ok = await signSolana(s, solanaBody(from, 5_000_000_000n));
    assert.equal(ok.status, 200, ok.text);
    const res = await signSolana(s, solanaBody(from, 4_000_000_000n));
    assert.equal(res.status, 429, res.text);
    assert.equal(res.json.code, 'window_cap_exceeded');
    assert.match(res.json.error, /cap=8000000000 spent=5000000000 attempted=4000000000 asset=native/);
    const retry = Number(res.headers.get('retry-after'));
    assert.ok(retry > 86_000 && retry <= 86_400, `Retry-After ${retry}`);
    const view = await policyView(s, SOL);
    const native = view.runtime.spend.find((x: { asset: string }) => x.asset === 'native');
    assert.deepEqual(
      { spent: native.spent, cap: native.cap, remaining: native.remaining },
      { spent: '5000000000', cap: '8000000000', remaining: '3000000000' },
    );
    assert.ok(Date.parse(native.resets_at) > Date.now() + 86_000_000);
  });

  test('GET /policy and /policy/{label}: effective policy, switches, counters, rolling spend (also as daily_spend)', async () => {
    const view = await policyView(s, SOL);
    assert.equal(view.label, SOL);
    assert.equal(view.chain, 'solana');
    assert.equal(view.address, from);
    assert.equal(view.effective_enabled, true);
    assert.match(view.policy_version, /^[0-9a-f]{64}$/);
    assert.deepEqual(view.policy.allowed_programs, [{ id: SYSTEM }]);
    assert.deepEqual(Object.keys(view.runtime.sign_counts).sort(), ['per_day', 'per_hour', 'per_minute']);
    const { resets_at: minuteReset, ...minute } = view.runtime.sign_counts.per_minute;
    assert.deepEqual(minute, { limit: 1000, used: 1, window_secs: 60, retry_after_secs: 0 }, 'a slot is free now');
    assert.ok(Date.parse(minuteReset) > Date.now() && Date.parse(minuteReset) <= Date.now() + 60_000, 'the signature leaves the minute window');
    const { resets_at: _hourReset, ...hour } = view.runtime.sign_counts.per_hour;
    // the original openKMS's integer limit: 0 = no limit
    assert.deepEqual(hour, { limit: 0, used: 1, window_secs: 3600, retry_after_secs: 0 });
    assert.deepEqual(
      view.runtime.daily_spend,
      view.runtime.spend.map((x: { asset: string; spent: string; cap: string | null }) => ({
        token: x.asset,
        day_unix: view.runtime.daily_spend[0].day_unix,
        spent: x.spent,
        cap: x.cap,
      })),
      'the original openKMS wire names carry our rolling window',
    );
    assert.ok(Math.abs(view.runtime.daily_spend[0].day_unix - (Math.floor(Date.now() / 1000) - 86400)) < 30, 'day_unix = the rolling window start');
    const list = await s.request('GET', '/policy', { token: s.signerToken });
    assert.equal(list.status, 200);
    assert.deepEqual(
      list.json.map((v: { label: string }) => v.label),
      [SOL, 'cosmos-hub-0', 'evm-hot-0'],
    );
    assert.deepEqual(withoutWindowStart(list.json[0]), withoutWindowStart(view));
    assert.equal((await s.request('GET', '/policy')).status, 401);
    assert.equal((await s.request('GET', '/policy/nope', { token: s.signerToken })).status, 404);
  });

  test('reading policy needs read, or sign scope for that very label', async () => {
    const store = TokenStore.load(join(s.dir, 'tokens.json'));
    const signOnly = store.create('sol-only-agent', [`sign:${SOL}`]);
    const readOnly = store.create('reader', ['read']);
    const list = await s.request('GET', '/policy', { token: signOnly });
    assert.equal(list.status, 200, list.text);
    assert.deepEqual(
      list.json.map((v: { label: string }) => v.label),
      [SOL],
    );
    assert.equal((await s.request('GET', `/policy/${SOL}`, { token: signOnly })).status, 200);
    const other = await s.request('GET', '/policy/cosmos-hub-0', { token: signOnly });
    assert.equal(other.status, 403);
    assert.equal(other.json.code, 'forbidden_scope');
    assert.equal(
      (await s.request('POST', '/policy/cosmos-hub-0/explain', { token: signOnly, body: { sign_doc_b64: 'AAAA', expected_chain_id: 'x' } })).status,
      403,
    );
    assert.equal((await s.request('GET', '/policy', { token: readOnly })).json.length, 3);
    assert.equal((await s.request('POST', `/policy/${SOL}/explain`, { token: readOnly, body: solanaBody(from, 1) })).status, 200);
    // read scope alone cannot sign
    assert.equal((await signSolana(s, solanaBody(from, 1), readOnly)).status, 403);
  });

  test('a backend failure releases the reserved budget: 503, and the counters and spend are as before', async () => {
    const before = await policyView(s, SOL);
    s.demo.sim.faults.failNext(1, 0x06); // the next device command answers an error (INVALID_DATA)
    const res = await signSolana(s, solanaBody(from, 2_000_000_000n));
    assert.equal(res.status, 503, res.text);
    assert.match(res.json.code, /^backend_/);
    const afterFail = await policyView(s, SOL);
    // the counts and amounts are unchanged; the clock-derived fields (resets_at, retry_after_secs…) may have moved on
    assert.deepEqual(withoutClock(afterFail.runtime.sign_counts), withoutClock(before.runtime.sign_counts));
    assert.deepEqual(withoutClock(afterFail.runtime.spend), withoutClock(before.runtime.spend));
    const [rec] = await waitForAudit(s, (r) => r.request_id === res.json.request_id);
    assert.equal(rec?.decision, 'error');
    // the released budget is usable again: 3 SOL still fit under the 8 SOL window cap
    const again = await signSolana(s, solanaBody(from, 3_000_000_000n));
    assert.equal(again.status, 200, again.text);
  });
});

describe('no overshoot: 100 parallel HTTP requests against a cap of 10 (rate limit, then window cap)', () => {
  let s: TestSigner;
  after(async () => {
    await s?.close();
  });

  test('exactly 10 signatures and 90 × 429 (rate_limited, then window_cap_exceeded) with Retry-After; the HSM signed 10 times each round', async () => {
    s = await startTestSigner({
      // 180 refusals within a minute on purpose: a denial budget above that (auth.denied_per_minute, default 120)
      config: (toml) =>
        withPolicy(
          SOL,
          `max_signs_per_minute = 10\nper_tx_cap_lamports = "5000000000"\nallowed_programs = [{ id = "${SYSTEM}" }]`,
        )(toml).replace('token_file = "tokens.json"', 'token_file = "tokens.json"\ndenied_per_minute = 1000'),
    });
    const from = await keyAddress(s, SOL);
    const hsmBefore = await hsmEddsaSigns(s);
    const bodies = Array.from({ length: 100 }, () => solanaBody(from, 1000));
    const results = await Promise.all(bodies.map((b) => signSolana(s, b)));
    const statuses = results.map((r) => r.status);
    assert.equal(statuses.filter((x) => x === 200).length, 10, JSON.stringify(statuses));
    assert.equal(statuses.filter((x) => x === 429).length, 90);
    for (const r of results.filter((x) => x.status === 429)) {
      assert.equal(r.json.code, 'rate_limited');
      const retry = Number(r.headers.get('retry-after'));
      assert.ok(retry >= 1 && retry <= 60, `Retry-After ${retry}`);
      // the failing rule's facts, so the agent can act without a second request
      assert.deepEqual(r.json.details, { label: SOL, rule: 'max_signs_per_minute', limit: 10, used: 10, window_secs: 60, retry_after_secs: retry });
    }
    assert.equal((await hsmEddsaSigns(s)) - hsmBefore, 10);
    let view = await policyView(s, SOL);
    const { resets_at: resetsAt, retry_after_secs: nextSlot, ...counts } = view.runtime.sign_counts.per_minute;
    assert.deepEqual(counts, { limit: 10, used: 10, window_secs: 60 });
    // the full window says when its next slot frees: what the 429s said in Retry-After (a second may have passed)
    const retries = results.filter((x) => x.status === 429).map((x) => Number(x.headers.get('retry-after')));
    assert.ok(nextSlot >= Math.min(...retries) - 1 && nextSlot <= Math.max(...retries), `retry_after_secs ${nextSlot}`);
    assert.ok(Date.parse(resetsAt) > Date.now() && Date.parse(resetsAt) <= Date.now() + 60_000, `resets_at ${resetsAt}`);
    const recs = await waitForAudit(s, (r) => r.label === SOL && r.decision === 'deny', 90);
    assert.equal(recs.length, 90);
    assert.equal((await auditRecords(s)).filter((r) => r.decision === 'allow').length, 10);

    // the same with a rolling window cap: 10 × 1000 lamports fit under 10000, the other 90 are 429 window_cap_exceeded
    const patch = await s.request('PATCH', `/admin/keys/${SOL}/policy`, {
      token: s.adminToken,
      body: { max_signs_per_minute: 1000, window_caps: { native: '20000' } },
    });
    assert.equal(patch.status, 200, patch.text);
    view = await policyView(s, SOL);
    assert.equal(view.runtime.spend[0].remaining, '10000');
    const capped = await Promise.all(Array.from({ length: 100 }, () => signSolana(s, solanaBody(from, 1000))));
    assert.equal(capped.filter((r) => r.status === 200).length, 10);
    assert.equal(
      capped.filter((r) => r.status === 429 && r.json.code === 'window_cap_exceeded' && Number(r.headers.get('retry-after')) > 0).length,
      90,
      JSON.stringify(capped.filter((r) => r.status !== 200 && r.json.code !== 'window_cap_exceeded').map((r) => r.text)).slice(0, 2000),
    );
    view = await policyView(s, SOL);
    assert.deepEqual([view.runtime.spend[0].spent, view.runtime.spend[0].remaining], ['20000', '0']);
    assert.equal((await hsmEddsaSigns(s)) - hsmBefore, 20);
  });
});

describe('dry run: POST /policy/{label}/explain', () => {
  let s: TestSigner;
  let from: string;
  before(async () => {
    s = await startTestSigner({
      config: withPolicy(
        SOL,
        `max_signs_per_minute = 2\nper_tx_cap_lamports = "5000000000"\ndaily_cap_lamports = "8000000000"\nallowed_programs = [{ id = "${SYSTEM}" }]`,
      ),
    });
    from = await keyAddress(s, SOL);
  });
  after(async () => {
    await s.close();
  });

  test('returns the full decision with every rule, consumes nothing, signs nothing, audits no signature', async () => {
    const body = solanaBody(from, 1_000_000_000n);
    const viewBefore = await policyView(s, SOL);
    const auditBefore = (await auditRecords(s)).length;
    const hsmBefore = await hsmEddsaSigns(s);
    for (let i = 0; i < 5; i++) {
      const res = await s.request('POST', `/policy/${SOL}/explain`, { token: s.signerToken, body });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.json.allowed, true);
      assert.equal(res.json.label, SOL);
      assert.ok(res.json.rules.length >= 15, 'every rule has a verdict');
      assert.ok(res.json.rules.every((r: { ok: boolean }) => r.ok));
      assert.equal(res.json.intent.transfers[0].amount, '1000000000');
      assert.match(res.json.policy_version, /^[0-9a-f]{64}$/);
      assert.equal(res.json.signature_b64, undefined);
    }
    const viewAfter = await policyView(s, SOL);
    // day_unix is the rolling window's start (now − 24 h, in seconds): it moves between two reads, nothing else may
    assert.deepEqual(withoutWindowStart(viewAfter.runtime), withoutWindowStart(viewBefore.runtime));
    assert.equal(await hsmEddsaSigns(s), hsmBefore);
    await new Promise((r) => setTimeout(r, 50));
    const recs = (await auditRecords(s)).slice(auditBefore);
    assert.equal(recs.filter((r) => r.signature_sha256 !== undefined || r.decision === 'allow').length, 0);
    // five dry runs later, the real request still has its full budget (limit 2 per minute)
    assert.equal((await signSolana(s, body)).status, 200);
  });

  test('a denied dry run shows the failing rules (403-class and 429-class) with codes and the label-less body works', async () => {
    const big = await s.request('POST', `/policy/${SOL}/explain`, { token: s.signerToken, body: solanaBody(from, 9_000_000_000n) });
    assert.equal(big.status, 200, big.text);
    assert.equal(big.json.allowed, false);
    assert.equal(big.json.code, 'per_tx_cap_exceeded');
    const failing = big.json.rules.filter((r: { ok: boolean }) => !r.ok).map((r: { rule: string }) => r.rule);
    assert.deepEqual(failing.sort(), ['per_tx_caps', 'window_caps']);
    assert.equal((await signSolana(s, solanaBody(from, 1))).status, 200); // 2nd of 2 per minute
    const { label: _l, ...noLabel } = solanaBody(from, 1);
    const limited = await s.request('POST', `/policy/${SOL}/explain`, { token: s.signerToken, body: noLabel });
    assert.equal(limited.status, 200, limited.text);
    assert.equal(limited.json.allowed, false);
    assert.equal(limited.json.code, 'rate_limited');
    assert.ok(limited.json.retry_after_secs >= 1);
  });

  test('explain needs read or sign scope for that label and a decodable body', async () => {
    assert.equal((await s.request('POST', `/policy/${SOL}/explain`, { body: solanaBody(from, 1) })).status, 401);
    const bad = await s.request('POST', `/policy/${SOL}/explain`, { token: s.signerToken, body: { message_b64: 'AAAAAAAA' } });
    assert.equal(bad.status, 400, bad.text);
    assert.equal(bad.json.code, 'decode_failed');
    const unknown = await s.request('POST', '/policy/nope/explain', { token: s.signerToken, body: solanaBody(from, 1) });
    assert.equal(unknown.status, 404);
  });
});

test('one transaction above the whole rolling cap → 403 tx_exceeds_window_cap (no Retry-After: waiting cannot help)', async () => {
  const s = await startTestSigner({ config: (t) => t.replace('per_tx_cap_lamports = "5000000000"', 'per_tx_cap_lamports = "50000000000"') });
  try {
    const keys = await s.request('GET', '/keys', { token: s.signerToken });
    const from = keys.json.find((k: { label: string }) => k.label === 'solana-hot-0').address;
    const message_b64 = Buffer.from(solanaTransferMessage({ from, lamports: 25_000_000_000n })).toString('base64');
    const res = await s.request('POST', '/sign/solana', { token: s.signerToken, body: { label: 'solana-hot-0', message_b64 } });
    assert.equal(res.status, 403, res.text);
    assert.equal(res.json.code, 'tx_exceeds_window_cap');
    assert.equal(res.headers.get('retry-after'), null);
  } finally {
    await s.close();
  }
});

/** A policy view without the rolling window's start (`day_unix`, now − 24 h in seconds), which moves between two reads. */
function withoutWindowStart(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutWindowStart);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([k]) => k !== 'day_unix' && k !== 'usage_read_at')
      .map(([k, v]) => [k, withoutWindowStart(v)]),
  );
}

/** A policy view's part without the fields that depend on the moment of the read (`*_at`, `retry_after_secs`). */
function withoutClock(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutClock);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([k]) => !k.endsWith('_at') && k !== 'retry_after_secs')
      .map(([k, v]) => [k, withoutClock(v)]),
  );
}
