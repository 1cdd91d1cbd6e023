import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { join } from 'node:path';
import { listAuditFiles, loadAuditKey, verifyAuditFiles } from '@openkms/audit';
import { startTestSigner, type TestResponse, type TestSigner } from './support/test-signer.js';
import { auditLines, cosmosBody, keysOf, metricValue, solanaBody, waitFor } from './support/trust-helpers.js';

const withServer = (limits: string) => (toml: string) => toml.replace('[server]\n', `[server]\n${limits}\n`);

/** Waits until the signer reports `n` sign requests in flight (read from /metrics, which is not limited). */
async function inFlight(s: TestSigner, n: number): Promise<void> {
  await waitFor(async () => metricValue((await s.request('GET', '/metrics')).text, 'openkms_in_flight_requests') === n, `${n} request(s) in flight`);
}

function assertShed(res: TestResponse, limit: string): void {
  assert.equal(res.status, 503, res.text);
  assert.equal(res.json.code, 'overloaded');
  assert.equal(res.headers.get('retry-after'), '1');
  assert.equal(res.json.details?.limit, limit);
  assert.equal(res.json.request_id, res.headers.get('x-request-id'));
}

describe('trust plane: load shedding, deadlines', () => {
  test('overall in-flight limit: beyond it 503 overloaded with Retry-After, audited as shed; the held request still completes', async () => {
    const s = await startTestSigner({ config: withServer('max_in_flight = 1\nmax_in_flight_per_backend = 8') });
    try {
      const keys = await keysOf(s);
      s.demo.sim.faults.hangNext(5_000);
      const held = s.request('POST', '/sign/cosmos', { token: s.signerToken, body: cosmosBody(keys, 100) });
      await inFlight(s, 1);
      const shed = await s.request('POST', '/sign/solana', { token: s.signerToken, body: solanaBody(keys, 100) });
      assertShed(shed, 'overall');
      const rec = await waitFor(() => auditLines(s.dir).records.find((r) => r.request_id === shed.json.request_id), 'the shed record');
      assert.equal(rec.decision, 'shed');
      assert.equal(rec.reason_code, 'overloaded');
      assert.equal(rec.token_name, 'demo-agent');
      s.demo.sim.faults.release();
      assert.equal((await held).status, 200);
      const metrics = (await s.request('GET', '/metrics')).text;
      assert.equal(metricValue(metrics, 'openkms_shed_requests_total', { limit: 'overall' }), 1);
      assert.equal(metricValue(metrics, 'openkms_in_flight_requests'), 0);
      // the slot is back
      assert.equal((await s.request('POST', '/sign/solana', { token: s.signerToken, body: solanaBody(keys, 100) })).status, 200);
    } finally {
      s.demo.sim.faults.release();
      await s.close();
    }
  });

  test('per-backend in-flight limit: a second request waiting for the HSM is shed (limit "backend"), audited with its label', async () => {
    const s = await startTestSigner({ config: withServer('max_in_flight = 16\nmax_in_flight_per_backend = 1') });
    try {
      const keys = await keysOf(s);
      s.demo.sim.faults.hangNext(5_000);
      const held = s.request('POST', '/sign/solana', { token: s.signerToken, body: solanaBody(keys, 100) });
      await inFlight(s, 1);
      await new Promise((r) => setTimeout(r, 100)); // decode + policy take a few ms; the held request is now at the HSM
      const shed = await s.request('POST', '/sign/cosmos', { token: s.signerToken, body: cosmosBody(keys, 100) });
      assertShed(shed, 'backend');
      const rec = await waitFor(() => auditLines(s.dir).records.find((r) => r.request_id === shed.json.request_id), 'the shed record');
      assert.equal(rec.decision, 'shed');
      assert.equal(rec.label, 'cosmos-hub-0');
      assert.equal(rec.chain, 'cosmos');
      assert.equal(rec.details.limit, 'backend');
      s.demo.sim.faults.release();
      assert.equal((await held).status, 200);
      const metrics = (await s.request('GET', '/metrics')).text;
      assert.equal(metricValue(metrics, 'openkms_shed_requests_total', { limit: 'backend' }), 1);
      // the shed request reserved no budget: the cosmos spend is untouched
      const view = await s.request('GET', '/policy/cosmos-hub-0', { token: s.signerToken });
      assert.ok(
        view.json.runtime.spend.every((a: { spent: string }) => a.spent === '0'),
        JSON.stringify(view.json.runtime.spend),
      );
      assert.equal((await s.request('POST', '/sign/cosmos', { token: s.signerToken, body: cosmosBody(keys, 100) })).status, 200);
    } finally {
      s.demo.sim.faults.release();
      await s.close();
    }
  });

  test('per-request deadline: a stalled HSM → 503 deadline_exceeded, no signature, audited as error', async () => {
    const s = await startTestSigner({ config: withServer('request_timeout_ms = 200') });
    try {
      const keys = await keysOf(s);
      s.demo.sim.faults.stall(900);
      const started = Date.now();
      const res = await s.request('POST', '/sign/solana', { token: s.signerToken, body: solanaBody(keys, 100) });
      assert.equal(res.status, 503, res.text);
      assert.equal(res.json.code, 'deadline_exceeded');
      assert.ok(res.headers.get('retry-after'));
      assert.ok(Date.now() - started < 800, 'answered at the deadline, not when the HSM finished');
      assert.equal(res.json.signature_b64, undefined);
      const rec = await waitFor(() => auditLines(s.dir).records.find((r) => r.request_id === res.json.request_id), 'the error record');
      assert.equal(rec.decision, 'error');
      assert.equal(rec.reason_code, 'deadline_exceeded');
      assert.equal(rec.signature_sha256, undefined);
      // the budget reserved for it was released
      const view = await s.request('GET', '/policy/solana-hot-0', { token: s.signerToken });
      assert.ok(
        view.json.runtime.spend.every((a: { spent: string }) => a.spent === '0'),
        JSON.stringify(view.json.runtime.spend),
      );
    } finally {
      await s.close();
    }
  });

  test('graceful close: stop accepting, finish in-flight, flush the audit log, close the HSM sessions', async () => {
    const s = await startTestSigner({ latency: 'realistic' });
    try {
      const keys = await keysOf(s);
      assert.ok(s.demo.sim.sessionCount >= 1, 'the signer holds HSM sessions while running');
      const pending = [cosmosBody(keys, 10, 1), cosmosBody(keys, 20, 2)].map((body) => s.request('POST', '/sign/cosmos', { token: s.signerToken, body }));
      await inFlight(s, 2);
      const closing = s.demo.signer.close();
      const refused = await new Promise<string>((resolve) => {
        const sock = connect(s.demo.signer.port, '127.0.0.1');
        sock.once('connect', () => (sock.destroy(), resolve('connected')));
        sock.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
      });
      assert.equal(refused, 'ECONNREFUSED', 'a new connection is refused while the in-flight requests finish');
      for (const res of await Promise.all(pending)) assert.equal(res.status, 200, res.text);
      await closing;
      assert.equal(s.demo.sim.sessionCount, 0, 'every HSM session was closed');
      const report = await verifyAuditFiles(await listAuditFiles(join(s.dir, 'audit')), await loadAuditKey(join(s.dir, 'audit.key')));
      assert.ok(report.ok);
      assert.equal(auditLines(s.dir).records.filter((r) => r.decision === 'allow').length, 2, 'both allow records are on disk');
      assert.ok(s.logs.some((l) => JSON.parse(l).msg === 'openKMS signer stopped'));
    } finally {
      await s.close();
    }
  });
});
