import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, chownSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isOpenKmsError } from '@openkms/core';
import { TokenStore } from '../src/auth/token-store.js';
import { startTestSigner } from './support/test-signer.js';
import { cosmosBody, keysOf, runCli, solanaBody, waitFor } from './support/trust-helpers.js';

/** Every textual form a secret could take in output: as given, and its bytes in hex, base64 and base64url. */
function forms(secret: string | Buffer): string[] {
  if (typeof secret === 'string') return [secret];
  return [secret.toString('hex'), secret.toString('base64').replace(/=+$/, ''), secret.toString('base64url')];
}

describe('trust plane: no secret ever appears in logs or audit records', () => {
  test("a full signing flow at log level trace: tokens, HSM password, audit key and the simulator's key material are nowhere", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'openkms-trust-secrets-'));
    const s = await startTestSigner({ dir, config: (toml) => toml.replace('level = "info"', 'level = "trace"') });
    const responses: string[] = [];
    const call = async (...args: Parameters<typeof s.request>) => {
      const res = await s.request(...args);
      responses.push(res.text, JSON.stringify([...res.headers]));
      return res;
    };
    let extraToken = '';
    try {
      const keys = await keysOf(s);
      // the whole surface: allow, replay, deny, HSM error, scope refusal, admin, reload, token change, bad requests
      const sol = solanaBody(keys, 10_000);
      assert.equal((await call('POST', '/sign/solana', { token: s.signerToken, body: sol })).status, 200);
      assert.equal((await call('POST', '/sign/solana', { token: s.signerToken, body: sol })).status, 200);
      assert.equal((await call('POST', '/sign/cosmos', { token: s.signerToken, body: cosmosBody(keys, 500) })).status, 200);
      assert.equal((await call('POST', '/sign/solana', { token: s.signerToken, body: solanaBody(keys, 9_000_000_000n) })).status, 403);
      s.demo.sim.faults.failNext(1, 0x06);
      assert.equal((await call('POST', '/sign/cosmos', { token: s.signerToken, body: cosmosBody(keys, 1) })).status, 503);
      assert.equal((await call('POST', '/admin/disable', { token: s.signerToken })).status, 403);
      assert.equal((await call('POST', '/admin/keys/solana-hot-0/disable', { token: s.adminToken })).status, 200);
      assert.equal((await call('POST', '/admin/keys/solana-hot-0/enable', { token: s.adminToken })).status, 200);
      assert.equal((await call('PATCH', '/admin/keys/cosmos-hub-0/policy', { token: s.adminToken, body: { max_signs_per_minute: 20 } })).status, 200);
      assert.equal((await call('POST', '/admin/reload', { token: s.adminToken })).status, 200);
      extraToken = TokenStore.load(join(dir, 'tokens.json')).create('late-agent', ['sign:solana-hot-0']);
      assert.equal((await call('POST', '/sign/solana', { token: extraToken, body: solanaBody(keys, 10) })).status, 200);
      // secrets where they do not belong: in a body field, in malformed JSON, in the query string, in a bad header
      assert.equal((await call('POST', '/sign/solana', { token: s.signerToken, body: { ...solanaBody(keys, 1), token: s.adminToken } })).status, 400);
      assert.equal((await call('POST', '/sign/solana', { token: s.signerToken, rawBody: `{"label":"${s.adminToken}` })).status, 400);
      assert.equal((await call('GET', `/keys?token=${s.adminToken}`, { token: s.signerToken })).status, 200);
      assert.equal((await call('GET', '/keys', { headers: { authorization: `Bearer ${s.signerToken} ${s.adminToken}` } })).status, 401);
      assert.equal((await call('GET', '/keys', { headers: { authorization: `Basic ${s.adminToken}` } })).status, 401);
      assert.equal((await call('GET', '/keys', { token: `${s.signerToken}0` })).status, 401);
      assert.equal((await call('GET', '/policy/solana-hot-0', { token: s.signerToken })).status, 200);
      assert.equal((await call('GET', '/metrics')).status, 200);
      await waitFor(() => s.logs.some((l) => l.includes('token file changed')), 'the token change log line');
    } finally {
      await s.close({ keepDir: true });
    }
    try {
      const secrets = new Map<string, string>();
      const add = (what: string, value: string | Buffer) => {
        for (const f of forms(value)) {
          assert.ok(f.length >= 16, `${what} is long enough to search for`);
          secrets.set(f, what);
        }
      };
      add('signer token', s.signerToken);
      add('admin token', s.adminToken);
      add('late token', extraToken);
      add('HSM password', readFileSync(join(dir, 'hsm.password'), 'utf8').trim());
      const auditKeyHex = readFileSync(join(dir, 'audit.key'), 'utf8').trim();
      add('audit key (hex)', auditKeyHex);
      add('audit key', Buffer.from(auditKeyHex, 'hex'));
      const simState = JSON.parse(readFileSync(s.demo.files.simState, 'utf8')) as { objects: { id: number; secret: string; seed?: string }[] };
      for (const o of simState.objects) {
        add(`simulator object 0x${o.id.toString(16)} secret`, Buffer.from(o.secret, 'base64'));
        if (o.seed) add(`simulator object 0x${o.id.toString(16)} seed`, Buffer.from(o.seed, 'base64'));
      }
      assert.ok(simState.objects.some((o) => o.id === 0x100) && simState.objects.some((o) => o.id === 0x101), 'the demo keys are in the state file');
      add('demo mnemonic', readFileSync(join(dir, 'mnemonic.txt'), 'utf8').trim());

      const auditText = readdirSync(join(dir, 'audit'))
        .map((f) => readFileSync(join(dir, 'audit', f), 'utf8'))
        .join('\n');
      const outputs: [string, string][] = [
        ['log', s.logs.join('\n')],
        ['audit log', auditText],
        ['HTTP responses', responses.join('\n')],
      ];
      assert.ok(s.logs.length > 20 && auditText.split('\n').length > 10, 'there is output to search');
      for (const [where, text] of outputs) {
        for (const [form, what] of secrets) assert.ok(!text.includes(form), `the ${what} appears in the ${where}`);
      }
      // and the log lines are JSON with a level, ending the search on a parseable document
      for (const line of s.logs) assert.equal(typeof JSON.parse(line).level, 'number');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('trust plane: secret files must be 0600 and owned by the service user', () => {
  const files = [
    ['tokens.json', 'token file'],
    ['hsm.password', 'HSM password file'],
    ['audit.key', 'audit key file'],
  ] as const;

  test('a group/world-readable secret file stops startup, naming the file, its mode and the fix', async () => {
    const first = await startTestSigner();
    const dir = first.dir;
    await first.close({ keepDir: true });
    try {
      for (const [name, what] of files) {
        const path = join(dir, name);
        assert.equal(statSync(path).mode & 0o777, 0o600, `${name} is created 0600`);
        chmodSync(path, 0o640);
        await assert.rejects(
          startTestSigner({ dir }),
          (e: unknown) =>
            isOpenKmsError(e) &&
            e.code === 'insecure_file' &&
            e.message.includes(what) &&
            e.message.includes(path) &&
            e.message.includes('0640') &&
            e.message.includes('0600'),
          name,
        );
        chmodSync(path, 0o600);
      }
      const ok = await startTestSigner({ dir });
      await ok.close({ keepDir: true });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test(
    'a secret file owned by another user stops startup, naming the file and both uids',
    { skip: process.getuid?.() === 0 ? false : 'needs root to chown' },
    async () => {
      const first = await startTestSigner();
      const dir = first.dir;
      await first.close({ keepDir: true });
      try {
        for (const [name, what] of files) {
          const path = join(dir, name);
          chownSync(path, 65534, 65534);
          await assert.rejects(
            startTestSigner({ dir }),
            (e: unknown) =>
              isOpenKmsError(e) && e.code === 'insecure_file' && e.message.includes(what) && e.message.includes(path) && /uid 65534.*uid 0/.test(e.message),
            name,
          );
          chownSync(path, 0, 0);
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  test('the CLI refuses to start and says which file and why (exit 1)', async () => {
    const first = await startTestSigner();
    const dir = first.dir;
    await first.close({ keepDir: true });
    try {
      chmodSync(join(dir, 'hsm.password'), 0o644);
      const out = await runCli(['run', '--config', join(dir, 'config.toml')]);
      assert.equal(out.code, 1, out.stderr);
      assert.match(out.stderr, /HSM password file .*hsm\.password has mode 0644; it must be 0600 \(chmod 600 .*\) \[insecure_file\]/);
      assert.ok(!out.stderr.includes(readFileSync(join(dir, 'hsm.password'), 'utf8').trim()));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
