import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { TokenStore } from '../src/auth/token-store.js';
import { createLogger } from '../src/logging/create-logger.js';
import { captureStream, startTestSigner } from './support/test-signer.js';
import { keysOf, solanaBody, waitFor } from './support/trust-helpers.js';

describe('trust plane: pino JSON logs', () => {
  test('every line written while a request is handled carries its request_id (request lines, reload, token file changes)', async () => {
    const s = await startTestSigner();
    try {
      const keys = await keysOf(s);
      const from = s.logs.length;
      const sign = await s.request('POST', '/sign/solana', { token: s.signerToken, body: solanaBody(keys, 1000), headers: { 'x-request-id': 'log-sign-1' } });
      assert.equal(sign.status, 200);
      const reload = await s.request('POST', '/admin/reload', { token: s.adminToken, headers: { 'x-request-id': 'log-reload-1' } });
      assert.equal(reload.status, 200);
      // a token created by the CLI is picked up (and logged) while the next request authenticates
      TokenStore.load(join(s.dir, 'tokens.json')).create('log-agent', ['read']);
      assert.equal((await s.request('GET', '/keys', { token: s.signerToken, headers: { 'x-request-id': 'log-token-1' } })).status, 200);
      // a token file made group-readable is rejected (logged as an error): the signer fails closed, no token works
      chmodSync(join(s.dir, 'tokens.json'), 0o644);
      assert.equal((await s.request('GET', '/keys', { token: s.signerToken, headers: { 'x-request-id': 'log-token-2' } })).status, 401);
      chmodSync(join(s.dir, 'tokens.json'), 0o600);
      assert.equal((await s.request('GET', '/keys', { token: s.signerToken, headers: { 'x-request-id': 'log-token-3' } })).status, 200);
      assert.equal((await s.request('GET', '/nope', { headers: { 'x-request-id': 'log-404' } })).status, 404);
      await waitFor(() => s.logs.slice(from).some((l) => JSON.parse(l).request_id === 'log-404'), 'the last request line');

      const lines = s.logs.slice(from).map((l) => JSON.parse(l) as Record<string, unknown>);
      assert.ok(lines.length >= 7, lines.map((l) => l.msg).join(', '));
      for (const l of lines) assert.equal(typeof l.request_id, 'string', `a line without request_id: ${JSON.stringify(l)}`);
      const one = (msg: string) => lines.find((l) => l.msg === msg);
      assert.equal(one('configuration reloaded')?.request_id, 'log-reload-1');
      assert.equal(one('token file changed')?.request_id, 'log-token-1');
      const rejected = lines.find((l) => /^token file change rejected/.test(String(l.msg)));
      assert.equal(rejected?.request_id, 'log-token-2');
      assert.equal(rejected?.level, 50);
      assert.equal(rejected?.code, 'insecure_file');
      const request = lines.find((l) => l.msg === 'request' && l.request_id === 'log-sign-1')!;
      assert.equal(request.route, '/sign/solana');
      assert.equal(request.status, 200);
      assert.equal(request.token_name, 'demo-agent');
      assert.equal(typeof request.ms, 'number');
      assert.equal(typeof request.time, 'string');
      assert.equal(request.service, 'openkms');
    } finally {
      await s.close();
    }
  });

  test('the level comes from the config: at "warn" there are no info lines', async () => {
    const s = await startTestSigner({ config: (toml) => toml.replace('level = "info"', 'level = "warn"') });
    try {
      assert.equal((await s.request('GET', '/keys', { token: s.signerToken })).status, 200);
      assert.equal((await s.request('GET', '/keys', { token: 'okms_nope' })).status, 401);
      const lines = s.logs.map((l) => JSON.parse(l) as { level: number; msg: string });
      assert.ok(lines.length > 0 && lines.some((l) => /SIMULATED/.test(l.msg)), 'the warning about the simulated device is there');
      assert.ok(
        lines.every((l) => l.level >= 40),
        `info lines at level warn: ${lines.filter((l) => l.level < 40).map((l) => l.msg)}`,
      );
    } finally {
      await s.close();
    }
  });

  test('redaction: authorization headers and secret-named fields never reach the output', () => {
    const out: string[] = [];
    const logger = createLogger({ level: 'trace', destination: captureStream(out) });
    logger.info(
      {
        req: { headers: { authorization: 'Bearer okms_SECRET1', cookie: 'sid=SECRET2' } },
        headers: { authorization: 'Bearer okms_SECRET3' },
        token: 'okms_SECRET4',
        password: 'SECRET5',
        secret: 'SECRET6',
        mnemonic: 'SECRET7',
        key_material: 'SECRET8',
        nested: { token: 'SECRET9', password: 'SECRET10', secret: 'SECRET11' },
        kept: 'visible',
      },
      'probe',
    );
    logger.flush();
    assert.equal(out.length, 1);
    assert.ok(!/SECRET/.test(out[0]!), out[0]);
    const line = JSON.parse(out[0]!);
    assert.equal(line.kept, 'visible');
    assert.equal(line.token, '[redacted]');
    assert.equal(line.req.headers.authorization, '[redacted]');
  });
});
