import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestSigner, type TestSigner } from './support/test-signer.js';
import { auditLines, cli, cosmosBody, freePort, keysOf, metricValue, solanaBody, spawnCli, waitFor, type KeyInfo } from './support/trust-helpers.js';

describe('openkms token create/list/revoke against a running signer', () => {
  let s: TestSigner;
  let keys: Record<string, KeyInfo>;
  let config: string;
  let token = '';
  before(async () => {
    s = await startTestSigner();
    keys = await keysOf(s);
    config = join(s.dir, 'config.toml');
  });
  after(async () => {
    await s.close();
  });

  test('create prints the token once on stdout; the file keeps only its hash (0600); the running signer accepts it at once', async () => {
    const out = await cli(['token', 'create', '--config', config, '--name', 'cli-agent', '--scope', 'sign:solana-hot-0', '--scope', 'read']);
    assert.equal(out.code, 0, out.stderr);
    const lines = out.stdout.split('\n').filter(Boolean);
    assert.equal(lines.length, 1, 'stdout is the token and nothing else');
    token = lines[0]!;
    assert.match(token, /^okms_[A-Za-z0-9_-]{43}$/);
    assert.match(out.stderr, /created token cli-agent \(sign:solana-hot-0, read\).*shown once/);
    assert.ok(!out.stderr.includes(token));
    const file = join(s.dir, 'tokens.json');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.ok(!readFileSync(file, 'utf8').includes(token));

    assert.equal((await s.request('POST', '/sign/solana', { token, body: solanaBody(keys, 1000) })).status, 200, 'no reload needed');
    const other = await s.request('POST', '/sign/cosmos', { token, body: cosmosBody(keys, 10) });
    assert.equal(other.status, 403);
    assert.equal(other.json.code, 'forbidden_scope');
    const rec = await waitFor(() => auditLines(s.dir).records.find((r) => r.decision === 'admin' && r.action === 'token_create'), 'the token_create record');
    assert.deepEqual(rec.details, { name: 'cli-agent', scopes: ['sign:solana-hot-0', 'read'], source: 'token_file' });
    assert.ok(!auditLines(s.dir).lines.join('\n').includes(token));
  });

  test('list shows names, scopes and creation times, never a token or a hash', async () => {
    const out = await cli(['token', 'list', '--config', config]);
    assert.equal(out.code, 0, out.stderr);
    const rows = out.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split('\t'));
    assert.deepEqual(rows.map((r) => r[0]).sort(), ['cli-agent', 'demo-admin', 'demo-agent']);
    assert.deepEqual(rows.find((r) => r[0] === 'cli-agent')!.slice(1, 2), ['sign:solana-hot-0,read']);
    assert.ok(!out.stdout.includes(token) && !out.stdout.includes(s.signerToken));
    assert.ok(!/[0-9a-f]{64}/.test(out.stdout), 'no hashes either');
  });

  test('bad input: unknown scope, duplicate name, missing --name → non-zero exit, file unchanged', async () => {
    const before = readFileSync(join(s.dir, 'tokens.json'), 'utf8');
    const badScope = await cli(['token', 'create', '--config', config, '--name', 'x', '--scope', 'root']);
    assert.equal(badScope.code, 1);
    assert.match(badScope.stderr, /invalid scope "root".*\[invalid_request\]/);
    const dup = await cli(['token', 'create', '--config', config, '--name', 'cli-agent', '--scope', 'read']);
    assert.equal(dup.code, 1);
    assert.match(dup.stderr, /\[conflict\]/);
    assert.equal((await cli(['token', 'create', '--config', config, '--scope', 'read'])).code, 2);
    // with --config, sign:<label> must name a key of that config (a typo would mint a token that can sign nothing)
    const typo = await cli(['token', 'create', '--config', config, '--name', 'y', '--scope', 'sign:solana-hot-9']);
    assert.equal(typo.code, 1);
    assert.match(typo.stderr, /no key labelled solana-hot-9 .*\[unknown_label\]/);
    assert.equal(readFileSync(join(s.dir, 'tokens.json'), 'utf8'), before);
  });

  test('revoke: the token stops working at the next request, and the revocation is audited', async () => {
    const out = await cli(['token', 'revoke', '--config', config, '--name', 'cli-agent']);
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stderr, /revoked cli-agent/);
    const res = await s.request('GET', '/keys', { token });
    assert.equal(res.status, 401);
    assert.equal(res.json.code, 'unauthorized');
    const rec = await waitFor(() => auditLines(s.dir).records.find((r) => r.decision === 'admin' && r.action === 'token_revoke'), 'the token_revoke record');
    assert.deepEqual(rec.details, { name: 'cli-agent', scopes: ['sign:solana-hot-0', 'read'], source: 'token_file' });
    const again = await cli(['token', 'revoke', '--config', config, '--name', 'cli-agent']);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /no token named cli-agent/);
  });
});

describe('openkms audit verify', () => {
  test('an intact log verifies (exit 0); one edited field of one line → exit 1 naming that line; a deleted line too', async () => {
    const s = await startTestSigner();
    const config = join(s.dir, 'config.toml');
    const file = join(s.dir, 'audit', 'audit.jsonl');
    try {
      const keys = await keysOf(s);
      for (let i = 0; i < 3; i++)
        assert.equal((await s.request('POST', '/sign/solana', { token: s.signerToken, body: solanaBody(keys, 1000 + i) })).status, 200);
      assert.equal((await s.request('POST', '/sign/solana', { token: s.signerToken, body: solanaBody(keys, 6_000_000_000n) })).status, 403);
      assert.equal((await s.request('POST', '/admin/keys/solana-hot-0/disable', { token: s.adminToken })).status, 200);
      const live = await cli(['audit', 'verify', '--config', config]);
      assert.equal(live.code, 0, live.stdout + live.stderr);
      assert.match(live.stdout, /^audit log OK: 5 records in 1 file \(seq 1\.\.5\)$/m);
    } finally {
      await s.close({ keepDir: true });
    }
    try {
      const explicit = await cli(['audit', 'verify', file, '--key', join(s.dir, 'audit.key')]);
      assert.equal(explicit.code, 0, explicit.stdout + explicit.stderr);

      const original = readFileSync(file, 'utf8');
      const lines = original.split('\n').filter(Boolean);
      const third = JSON.parse(lines[2]!);
      assert.equal(third.decision, 'allow');
      third.latency_ms += 1; // one field, still valid JSON, same member order
      writeFileSync(file, [...lines.slice(0, 2), JSON.stringify(third), ...lines.slice(3)].join('\n') + '\n');
      const edited = await cli(['audit', 'verify', '--config', config]);
      assert.equal(edited.code, 1, edited.stdout);
      assert.match(edited.stdout, /audit log BROKEN at .*audit\.jsonl:3 seq 3: /);
      assert.match(edited.stdout, /2 records verified before the error/);

      writeFileSync(file, [...lines.slice(0, 1), ...lines.slice(2)].join('\n') + '\n');
      const deleted = await cli(['audit', 'verify', '--config', config]);
      assert.equal(deleted.code, 1, deleted.stdout);
      assert.match(deleted.stdout, /audit log BROKEN at .*audit\.jsonl:2 /);

      writeFileSync(file, original);
      assert.equal((await cli(['audit', 'verify', '--config', config])).code, 0);
    } finally {
      rmSync(s.dir, { recursive: true, force: true });
    }
  });
});

describe('graceful shutdown of `openkms demo` on SIGTERM', () => {
  test('in-flight requests finish with 200, new connections are refused, the process exits 0, the audit log verifies', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'openkms-trust-shutdown-'));
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const child = spawnCli(['demo', '--dir', dir, '--listen', `127.0.0.1:${port}`, '--latency', 'realistic']);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    let exitedYet = false;
    void exited.then(() => (exitedYet = true));
    try {
      await waitFor(async () => (await fetch(`${base}/health`).catch(() => undefined))?.status === 200, `the demo on ${base} (stderr: ${stderr})`, 30_000);
      const token = readFileSync(join(dir, 'signer.token'), 'utf8').trim();
      const keysRes = await fetch(`${base}/keys`, { headers: { authorization: `Bearer ${token}` } });
      const keys = Object.fromEntries(((await keysRes.json()) as KeyInfo[]).map((k) => [k.label, k]));

      // three secp256k1 signatures queue on the (serial, realistically slow) device: ~75 ms each
      const bodies = [cosmosBody(keys, 100, 1), cosmosBody(keys, 200, 2), cosmosBody(keys, 300, 3)];
      const inFlight = bodies.map((b) => post(`${base}/sign/cosmos`, token, b));
      let answered = 0;
      for (const p of inFlight)
        void p.then(
          () => answered++,
          () => undefined,
        );
      await waitFor(async () => {
        const text = await (await fetch(`${base}/metrics`, { headers: { connection: 'close' } })).text();
        return metricValue(text, 'openkms_in_flight_requests') === bodies.length;
      }, 'three requests in flight');
      child.kill('SIGTERM');

      // the listener closes at once: a new connection is refused while the in-flight requests drain
      const refused = await waitFor(async () => ((await tryConnect(port)) === 'refused' ? 'refused' : undefined), 'connection refused', 5_000);
      assert.equal(refused, 'refused');
      assert.ok(answered < bodies.length && !exitedYet, 'refused while requests were still draining');
      const answers = await Promise.all(inFlight);
      for (const a of answers) {
        assert.equal(a.status, 200, a.text);
        assert.equal(Buffer.from(JSON.parse(a.text).signature_b64, 'base64').length, 64);
      }
      const code = await Promise.race([exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 15_000).unref())]);
      assert.equal(code, 0, `exit code (stderr: ${stderr})`);
      assert.match(stdout, /"msg":"shutting down"/);
      assert.match(stdout, /"msg":"openKMS signer stopped"/);

      // every answered signature has its durable allow record, and the chain verifies
      const allows = auditLines(dir).records.filter((r) => r.decision === 'allow');
      for (const a of answers)
        assert.ok(
          allows.some((r) => r.request_id === a.requestId),
          `allow record of ${a.requestId}`,
        );
      const verify = await cli(['audit', 'verify', '--config', join(dir, 'config.toml')]);
      assert.equal(verify.code, 0, verify.stdout + verify.stderr);
      assert.match(verify.stdout, /audit log OK/);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** A POST on its own connection (no keep-alive pool), so SIGTERM's handling of it is observable. */
function post(url: string, token: string, body: unknown): Promise<{ status: number; text: string; requestId: string }> {
  return new Promise((resolve, reject) => {
    const data = JSON.stringify(body);
    const req = httpRequest(
      url,
      {
        method: 'POST',
        agent: false,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text, requestId: String(res.headers['x-request-id']) }));
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

function tryConnect(port: number): Promise<'refused' | 'connected' | 'error'> {
  return new Promise((resolve) => {
    const sock = connect(port, '127.0.0.1');
    sock.once('connect', () => {
      sock.destroy();
      resolve('connected');
    });
    sock.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED' ? 'refused' : 'error'));
  });
}
