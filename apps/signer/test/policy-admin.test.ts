import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TokenStore } from '../src/auth/token-store.js';
import { startTestSigner, type TestSigner } from './support/test-signer.js';
import { ATOM, SOL, auditRecords, keyAddress, policyView, signSolana, solanaBody, withPolicy } from './support/policy-fixtures.js';

const SYSTEM = '11111111111111111111111111111111';

describe('admin API over HTTP: kill switches, overlays, reload — every action audited', () => {
  let s: TestSigner;
  let from: string;
  const admin = (method: string, path: string, body?: unknown) => s.request(method, path, { token: s.adminToken, ...(body === undefined ? {} : { body }) });
  const adminRecords = async (action: string) => (await auditRecords(s)).filter((r) => r.decision === 'admin' && r.action === action);

  before(async () => {
    s = await startTestSigner({
      config: withPolicy(
        SOL,
        `max_signs_per_minute = 20\nper_tx_cap_lamports = "5000000000"\ndaily_cap_lamports = "20000000000"\nallowed_programs = [{ id = "${SYSTEM}" }]`,
      ),
    });
    from = await keyAddress(s, SOL);
  });
  after(async () => {
    await s.close();
  });

  test('admin routes need the admin scope (401 without a token, 403 with a sign/read token)', async () => {
    const store = TokenStore.load(join(s.dir, 'tokens.json'));
    const tokens = { sign: store.create('sign-only', ['sign']), read: store.create('read-only', ['read']), demoSigner: s.signerToken };
    for (const [method, path] of [
      ['POST', '/admin/disable'],
      ['POST', `/admin/keys/${SOL}/disable`],
      ['GET', `/admin/keys/${SOL}/policy`],
      ['DELETE', `/admin/keys/${SOL}/policy`],
      ['POST', '/admin/reload'],
    ] as const) {
      assert.equal((await s.request(method, path)).status, 401, `${method} ${path}`);
      for (const [name, token] of Object.entries(tokens)) {
        const res = await s.request(method, path, { token });
        assert.equal(res.status, 403, `${method} ${path} with the ${name} token: ${res.text}`);
        assert.equal(res.json.code, 'forbidden_scope');
      }
    }
    for (const [name, token] of Object.entries(tokens))
      assert.equal((await s.request('PATCH', `/admin/keys/${SOL}/policy`, { token, body: { enabled: false } })).status, 403, name);
    assert.equal((await policyView(s, SOL)).effective_enabled, true, 'nothing changed');
    assert.equal((await admin('POST', '/admin/keys/nope/disable')).status, 404);
  });

  test('per-key kill switch: applies at once, shows in GET /policy and /keys, audited with the token name', async () => {
    const res = await admin('POST', `/admin/keys/${SOL}/disable`);
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.json, { label: SOL, enabled: false });
    const denied = await signSolana(s, solanaBody(from, 1));
    assert.equal(denied.status, 403);
    assert.equal(denied.json.code, 'key_disabled');
    const view = await policyView(s, SOL);
    assert.equal(view.effective_enabled, false);
    assert.equal(view.runtime.key_switch_enabled, false);
    const keys = (await s.request('GET', '/keys', { token: s.signerToken })).json;
    assert.equal(keys.find((k: { label: string }) => k.label === SOL).enabled, false);
    assert.equal((await policyView(s, ATOM)).effective_enabled, true, 'other keys unaffected');
    assert.equal((await admin('POST', `/admin/keys/${SOL}/enable`)).status, 200);
    assert.equal((await signSolana(s, solanaBody(from, 1))).status, 200);
    const [dis] = await adminRecords('key_disable');
    const [en] = await adminRecords('key_enable');
    assert.equal(dis?.token_name, 'demo-admin');
    assert.equal(dis?.label, SOL);
    assert.equal(dis?.request_id, res.headers.get('x-request-id'));
    assert.equal(en?.label, SOL);
  });

  test('global kill switch: every key refused with global_disabled, then enabled again', async () => {
    const res = await admin('POST', '/admin/disable');
    assert.deepEqual(res.json, { enabled: false });
    const denied = await signSolana(s, solanaBody(from, 1));
    assert.equal(denied.status, 403);
    assert.equal(denied.json.code, 'global_disabled');
    for (const label of [SOL, ATOM]) {
      const v = await policyView(s, label);
      assert.equal(v.effective_enabled, false);
      assert.equal(v.runtime.global_enabled, false);
    }
    assert.deepEqual((await admin('POST', '/admin/enable')).json, { enabled: true });
    assert.equal((await signSolana(s, solanaBody(from, 1))).status, 200);
    assert.equal((await adminRecords('global_disable'))[0]?.token_name, 'demo-admin');
    assert.equal((await adminRecords('global_enable')).length, 1);
  });

  test('policy overlay: PATCH merges a validated partial policy, null clears a field, DELETE clears all; decisions follow at once', async () => {
    const snapshot = (await admin('GET', `/admin/keys/${SOL}/policy`)).json;
    assert.equal(snapshot.label, SOL);
    assert.deepEqual(snapshot.overlay, {});
    assert.equal(snapshot.policy_source, 'config');
    assert.equal(snapshot.baseline_policy.max_signs_per_minute, snapshot.policy.max_signs_per_minute, 'no overlay: the config file decides');
    assert.deepEqual(Object.keys(snapshot.runtime.sign_counts).sort(), ['per_day', 'per_hour', 'per_minute']);
    let res = await admin('PATCH', `/admin/keys/${SOL}/policy`, { per_tx_caps: { native: '1000' }, max_signs_per_minute: 3 });
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.json.overlay, { per_tx_caps: { native: '1000' }, max_signs_per_minute: 3 });
    // the original openKMS's full snapshot beside our overlay
    assert.equal(res.json.policy_source, 'config+overlay');
    assert.equal(res.json.policy.max_signs_per_minute, 3);
    assert.equal(res.json.policy.per_tx_cap_lamports, '1000');
    assert.equal(res.json.baseline_policy.max_signs_per_minute, snapshot.baseline_policy.max_signs_per_minute);
    assert.equal(res.json.runtime.sign_counts.per_minute.limit, 3);
    const all = await admin('GET', '/admin/policy');
    assert.equal(all.status, 200);
    assert.deepEqual(all.json.find((x: { label: string }) => x.label === SOL).overlay, res.json.overlay);
    assert.equal((await s.request('GET', '/admin/policy', { token: s.signerToken })).status, 403, 'admin scope only');
    const denied = await signSolana(s, solanaBody(from, 1001));
    assert.equal(denied.status, 403);
    assert.equal(denied.json.code, 'per_tx_cap_exceeded');
    assert.match(denied.json.error, /cap=1000 attempted=1001 asset=native/);
    let view = await policyView(s, SOL);
    assert.equal(view.policy.per_tx_caps.native, '1000');
    assert.equal(view.runtime.sign_counts.per_minute.limit, 3);

    res = await admin('PATCH', `/admin/keys/${SOL}/policy`, { max_signs_per_minute: null });
    assert.deepEqual(res.json.overlay, { per_tx_caps: { native: '1000' } });
    view = await policyView(s, SOL);
    assert.equal(view.runtime.sign_counts.per_minute.limit, 20, 'null: the config value applies again');
    assert.deepEqual((await admin('GET', `/admin/keys/${SOL}/policy`)).json.overlay, { per_tx_caps: { native: '1000' } });

    res = await admin('DELETE', `/admin/keys/${SOL}/policy`);
    assert.equal(res.json.label, SOL);
    assert.deepEqual(res.json.overlay, {});
    assert.equal(res.json.policy_source, 'config');
    assert.equal((await policyView(s, SOL)).policy.per_tx_caps.native, '5000000000');
    assert.equal((await signSolana(s, solanaBody(from, 1001))).status, 200);

    const patches = await adminRecords('policy_overlay_patch');
    assert.equal(patches.length, 2);
    assert.deepEqual((patches[0]!.details as { patch: unknown }).patch, { per_tx_caps: { native: '1000' }, max_signs_per_minute: 3 });
    assert.equal(patches[0]!.token_name, 'demo-admin');
    assert.equal((await adminRecords('policy_overlay_clear'))[0]?.label, SOL);
  });

  test('an invalid overlay is 400 with the path of the bad field; nothing changes', async () => {
    const cases: [unknown, string][] = [
      [{ per_tx_caps: { native: 5 } }, 'per_tx_caps.native'],
      [{ per_tx_caps: { native: '5 SOL' } }, 'per_tx_caps.native'],
      [{ max_signs_per_minute: -1 }, 'max_signs_per_minute'],
      [{ max_signs_per_minuet: 5 }, 'max_signs_per_minuet'],
      [{ allowed_programs: [{ idd: SYSTEM }] }, 'allowed_programs[0].idd'],
    ];
    for (const [patch, path] of cases) {
      const res = await admin('PATCH', `/admin/keys/${SOL}/policy`, patch);
      assert.equal(res.status, 400, `${JSON.stringify(patch)}: ${res.text}`);
      assert.equal(res.json.code, 'invalid_request');
      assert.match(String(res.json.details?.path), new RegExp(`${path.replace(/[.[\]]/g, (c) => `\\${c}`)}$`), `${JSON.stringify(patch)}: ${res.text}`);
    }
    assert.equal((await admin('PATCH', `/admin/keys/${SOL}/policy`, [1, 2])).status, 400);
    assert.deepEqual((await admin('GET', `/admin/keys/${SOL}/policy`)).json.overlay, {});
    assert.equal((await adminRecords('policy_overlay_patch')).length, 2, 'rejected patches change nothing and are not recorded as changes');
  });

  test('POST /admin/reload: a new config applies, counters and kill switches stay; an invalid one is 400 config_invalid and the old one stays', async () => {
    const used = (await policyView(s, SOL)).runtime.sign_counts.per_minute.used;
    assert.ok(used >= 3);
    assert.equal((await admin('POST', `/admin/keys/${ATOM}/disable`)).status, 200);
    const configFile = join(s.dir, 'config.toml');
    const original = readFileSync(configFile, 'utf8');
    writeFileSync(configFile, original.replace('max_signs_per_minute = 20', 'max_signs_per_minute = 9'));
    const res = await admin('POST', '/admin/reload');
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.json, { reloaded: true, keys: [SOL, ATOM, 'evm-hot-0'], restart_required: [] });
    // a setting wired in at startup is reported, not silently ignored
    writeFileSync(
      configFile,
      original.replace('max_signs_per_minute = 20', 'max_signs_per_minute = 9').replace(/^\[server\]$/m, '[server]\nmax_in_flight = 77') +
        '\n[replay]\nttl_secs = 7\n',
    );
    const restart = await admin('POST', '/admin/reload');
    assert.equal(restart.status, 200, restart.text);
    assert.deepEqual(restart.json.restart_required, ['server.max_in_flight', 'replay']);
    writeFileSync(configFile, original.replace('max_signs_per_minute = 20', 'max_signs_per_minute = 9'));
    assert.deepEqual(
      (await admin('POST', '/admin/reload')).json.restart_required,
      [],
      'compared with what is running (the startup settings), not with the last file',
    );
    let view = await policyView(s, SOL);
    const { resets_at: _r, retry_after_secs: _t, ...perMinute } = view.runtime.sign_counts.per_minute;
    assert.deepEqual(perMinute, { limit: 9, used, window_secs: 60 });
    assert.equal((await policyView(s, ATOM)).effective_enabled, false, 'kill switch kept');

    writeFileSync(configFile, original.replace('per_tx_cap_lamports = "5000000000"', 'per_tx_cap_lamports = "five"'));
    const bad = await admin('POST', '/admin/reload');
    assert.equal(bad.status, 400, bad.text);
    assert.equal(bad.json.code, 'config_invalid');
    assert.match(bad.json.error, /keys\.solana-hot-0\.policy\.per_tx_cap_lamports/);
    assert.equal(bad.json.details?.path, 'keys.solana-hot-0.policy.per_tx_cap_lamports');
    view = await policyView(s, SOL);
    assert.equal(view.runtime.sign_counts.per_minute.limit, 9, 'the running config stays');
    assert.equal((await signSolana(s, solanaBody(from, 1))).status, 200, 'and keeps signing');

    writeFileSync(configFile, original.replace('[keys.cosmos-hub-0.policy]', '[keys.cosmos-hub-0.policy]\nmax_signs_per_fortnight = 3'));
    const unknownField = await admin('POST', '/admin/reload');
    assert.equal(unknownField.status, 400);
    assert.equal(unknownField.json.code, 'config_invalid');
    assert.match(String(unknownField.json.details?.path), /keys\.cosmos-hub-0\.policy\.max_signs_per_fortnight/);

    // all or nothing: a valid policy change together with a broken token file setting changes nothing
    writeFileSync(
      configFile,
      original.replace('max_signs_per_minute = 20', 'max_signs_per_minute = 2').replace('token_file = "tokens.json"', 'token_file = "missing-tokens.json"'),
    );
    const partial = await admin('POST', '/admin/reload');
    assert.equal(partial.status, 400, partial.text);
    assert.equal(partial.json.code, 'config_invalid');
    assert.equal((await policyView(s, SOL)).runtime.sign_counts.per_minute.limit, 9, 'the policy part of a rejected reload is not applied');

    const reloads = await adminRecords('reload');
    assert.deepEqual(
      reloads.map((r) => [r.token_name, (r.details as { ok: boolean }).ok]),
      [
        ['demo-admin', true],
        ['demo-admin', true],
        ['demo-admin', true],
        ['demo-admin', false],
        ['demo-admin', false],
        ['demo-admin', false],
      ],
    );
    writeFileSync(configFile, original);
    assert.equal((await admin('POST', '/admin/reload')).status, 200);
    assert.equal((await admin('POST', `/admin/keys/${ATOM}/enable`)).status, 200);
  });
});
