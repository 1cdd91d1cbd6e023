import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { startTestSigner, type TestSigner } from './support/test-signer.js';
import { keysOf, solanaBody, type KeyInfo } from './support/trust-helpers.js';

/** Sends one HTTP/1.1 request with exactly the header lines given (duplicates included) and reads the answer. */
function rawRequest(url: string, method: string, path: string, headerLines: string[], body = ''): Promise<{ status: number; json: any }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      const lines = [`${method} ${path} HTTP/1.1`, `Host: ${hostname}:${port}`, 'Connection: close', ...headerLines];
      if (body) lines.push('Content-Type: application/json', `Content-Length: ${Buffer.byteLength(body)}`);
      socket.end(lines.join('\r\n') + '\r\n\r\n' + body);
    });
    let data = '';
    socket.on('data', (d) => (data += d));
    socket.on('error', reject);
    socket.on('close', () => {
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1]);
      const text = data.slice(data.indexOf('\r\n\r\n') + 4);
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      resolve({ status, json });
    });
  });
}

describe('two Authorization headers are refused (400 invalid_request), whichever comes first', () => {
  let s: TestSigner;
  let keys: Record<string, KeyInfo>;
  before(async () => {
    s = await startTestSigner();
    keys = await keysOf(s);
  });
  after(async () => {
    await s.close();
  });

  test('one Authorization header still works', async () => {
    const res = await rawRequest(s.url, 'GET', '/keys', [`Authorization: Bearer ${s.signerToken}`]);
    assert.equal(res.status, 200);
  });

  for (const [name, order] of [
    ['valid token first', (good: string) => [`Authorization: Bearer ${good}`, 'Authorization: Bearer not-a-token']],
    ['valid token second', (good: string) => ['Authorization: Bearer not-a-token', `Authorization: Bearer ${good}`]],
    ['the same token twice', (good: string) => [`Authorization: Bearer ${good}`, `authorization: Bearer ${good}`]],
  ] as const) {
    test(`${name}: GET /keys and POST /sign/solana answer 400 invalid_request`, async () => {
      const read = await rawRequest(s.url, 'GET', '/keys', order(s.signerToken));
      assert.equal(read.status, 400);
      assert.equal(read.json?.code, 'invalid_request');
      const sign = await rawRequest(s.url, 'POST', '/sign/solana', order(s.signerToken), JSON.stringify(solanaBody(keys, 1000)));
      assert.equal(sign.status, 400);
      assert.equal(sign.json?.code, 'invalid_request');
      const admin = await rawRequest(s.url, 'POST', '/admin/disable', order(s.adminToken));
      assert.equal(admin.status, 400);
      assert.equal(admin.json?.code, 'invalid_request');
    });
  }
});
