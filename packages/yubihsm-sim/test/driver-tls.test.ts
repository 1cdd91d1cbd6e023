import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { YubiHsmClient } from '@openkms/yubihsm';
import { createSimulator } from '../src/index.js';

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** A connector served over TLS (as `yubihsm-connector --cert --key` does), with a throwaway self-signed certificate. */
async function tlsConnector() {
  const dir = mkdtempSync(join(tmpdir(), 'openkms-tls-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ],
    { stdio: 'ignore' },
  );
  const cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
  const sim = createSimulator();
  const server = createServer({ cert, key: readFileSync(join(dir, 'key.pem'), 'utf8') }, (req, res) => {
    if (req.method === 'GET' && req.url === '/connector/status') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end(`status=OK\nserial=*\nversion=3.0.7\npid=${process.pid}\naddress=127.0.0.1\nport=0\n`);
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void sim
        .handleFrame(new Uint8Array(Buffer.concat(chunks)))
        .then((out) => res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(Buffer.from(out)));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    cert,
    async close() {
      await new Promise((r) => server.close(r));
      await sim.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

test(
  'driver: an https:// connector with a pinned CA works; without it the connection fails closed',
  { skip: !hasOpenssl() && 'openssl not installed' },
  async () => {
    const c = await tlsConnector();
    try {
      const trusted = new YubiHsmClient({ url: c.url, tls: { ca: c.cert }, timeoutMs: 2000 });
      const session = await trusted.openSession(1, 'password');
      assert.deepEqual([...(await session.echo(new Uint8Array([1, 2, 3])))], [1, 2, 3]);
      await session.close();
      await trusted.close();

      const untrusted = new YubiHsmClient({ url: c.url, timeoutMs: 2000 });
      await assert.rejects(untrusted.openSession(1, 'password'), /SELF_SIGNED|CERT|unreachable/);
      await untrusted.close();
    } finally {
      await c.close();
    }
  },
);
