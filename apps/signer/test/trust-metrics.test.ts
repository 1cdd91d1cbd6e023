import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { startTestSigner, type TestSigner } from './support/test-signer.js';
import { cosmosBody, keysOf, metricSum, metricValue, solanaBody, type KeyInfo } from './support/trust-helpers.js';

const PROMTOOL = ['/usr/bin/promtool', '/usr/local/bin/promtool'].find((p) => existsSync(p));

describe('trust plane: Prometheus metrics at GET /metrics', () => {
  let s: TestSigner;
  let keys: Record<string, KeyInfo>;
  let text: string;
  before(async () => {
    s = await startTestSigner();
    keys = await keysOf(s);
    // a small mixed workload: allows on both chains, a deny, an HSM fault, an auth failure
    for (const lamports of [1_000_000, 2_000_000]) {
      assert.equal((await s.request('POST', '/sign/solana', { token: s.signerToken, body: solanaBody(keys, lamports) })).status, 200);
    }
    assert.equal((await s.request('POST', '/sign/cosmos', { token: s.signerToken, body: cosmosBody(keys, 1234) })).status, 200);
    assert.equal((await s.request('POST', '/sign/solana', { token: s.signerToken, body: solanaBody(keys, 6_000_000_000n) })).status, 403);
    s.demo.sim.faults.failNext(1, 0x06);
    assert.equal((await s.request('POST', '/sign/cosmos', { token: s.signerToken, body: cosmosBody(keys, 1) })).status, 503);
    assert.equal((await s.request('GET', '/keys', { token: 'okms_wrong' })).status, 401);
    const res = await s.request('GET', '/metrics');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    text = res.text;
  });
  after(async () => {
    await s.close();
  });

  test('sign requests by chain, label, decision and reason', () => {
    assert.equal(metricValue(text, 'openkms_sign_requests_total', { chain: 'solana', label: 'solana-hot-0', decision: 'allow', reason: 'ok' }), 2);
    assert.equal(metricValue(text, 'openkms_sign_requests_total', { chain: 'cosmos', label: 'cosmos-hub-0', decision: 'allow', reason: 'ok' }), 1);
    assert.equal(metricValue(text, 'openkms_sign_requests_total', { chain: 'solana', decision: 'deny', reason: 'per_tx_cap_exceeded' }), 1);
    const error = text.split('\n').find((l) => l.startsWith('openkms_sign_requests_total{') && l.includes('decision="error"'));
    assert.ok(error && error.endsWith(' 1'), 'the HSM fault is counted as an error');
  });

  test('latency histograms per stage: decode, policy, key backend, audit, total', () => {
    for (const stage of ['decode', 'policy', 'key_backend', 'audit', 'total']) {
      const count = metricValue(text, 'openkms_sign_stage_duration_seconds_count', { stage });
      assert.ok(count !== undefined && count >= 3, `stage ${stage}: ${count}`);
      assert.equal(metricValue(text, 'openkms_sign_stage_duration_seconds_bucket', { stage, le: '+Inf' }), count);
    }
  });

  test('HSM up, sessions, device latency and device errors by code; in-flight requests', () => {
    assert.equal(metricValue(text, 'openkms_hsm_up'), 1);
    assert.equal(
      metricValue(text, 'openkms_hsm_up', { device: new URL(s.demo.connectorUrl!).origin }),
      1,
      'per device (the connector origin: its secret path stays out of metrics)',
    );
    assert.ok(metricSum(text, 'openkms_hsm_sessions') >= 1, 'sessions are reported from the start');
    assert.ok(metricSum(text, 'openkms_hsm_command_duration_seconds_count', { command: 'signEddsa' }) >= 2);
    assert.ok(metricSum(text, 'openkms_hsm_command_duration_seconds_count') >= 4);
    assert.ok(metricSum(text, 'openkms_hsm_device_errors_total') >= 1, 'the injected device error is counted by its code');
    assert.match(text, /^openkms_hsm_device_errors_total\{code="[A-Z_]+"\} \d+$/m);
    assert.match(text, /^# TYPE openkms_hsm_reconnects_total counter$/m);
    assert.equal(metricValue(text, 'openkms_in_flight_requests'), 0);
  });

  test('budget use per key and asset matches the policy view (spent and remaining of the rolling window)', async () => {
    for (const label of ['solana-hot-0', 'cosmos-hub-0']) {
      const view = await s.request('GET', `/policy/${label}`, { token: s.signerToken });
      const spend = view.json.runtime.spend as { asset: string; spent: string; remaining: string | null }[];
      assert.ok(spend.length > 0, `${label} has a capped asset`);
      for (const a of spend) {
        assert.equal(metricValue(text, 'openkms_budget_spent', { label, asset: a.asset }), Number(a.spent), `${label} ${a.asset} spent`);
        if (a.remaining !== null) assert.equal(metricValue(text, 'openkms_budget_remaining', { label, asset: a.asset }), Number(a.remaining));
      }
    }
    const solana = metricValue(text, 'openkms_budget_spent', { label: 'solana-hot-0' });
    assert.ok(solana !== undefined && solana >= 3_000_000, `the two transfers are spent: ${solana}`);
    assert.ok((metricValue(text, 'openkms_budget_spent', { label: 'cosmos-hub-0', asset: 'denom:uatom' }) ?? 0) >= 1234);
  });

  test('audit write latency, audit records and process metrics', () => {
    assert.ok((metricValue(text, 'openkms_audit_write_duration_seconds_count') ?? 0) >= 3);
    assert.ok((metricValue(text, 'openkms_audit_records_total') ?? 0) >= 5);
    for (const name of ['openkms_process_cpu_user_seconds_total', 'openkms_process_resident_memory_bytes', 'openkms_nodejs_eventloop_lag_seconds']) {
      assert.ok(metricValue(text, name) !== undefined, name);
    }
    assert.ok((metricValue(text, 'openkms_http_requests_total', { route: '/sign/solana', status: '200' }) ?? 0) >= 2);
  });

  test('the exposition passes promtool check metrics', { skip: PROMTOOL ? false : 'promtool not installed (apt-get install prometheus)' }, () => {
    const out = spawnSync(PROMTOOL!, ['check', 'metrics'], { input: text, encoding: 'utf8', timeout: 10_000 });
    assert.equal(out.status, 0, `promtool: ${out.stdout}${out.stderr}`);
    assert.equal(out.stdout.trim() + out.stderr.trim(), '', 'no lint findings');
  });
});
