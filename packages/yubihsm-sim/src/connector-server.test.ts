import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { startConnectorServer } from './connector-server.js';
import { createSimulator } from './simulator.js';
import { hex, toHex } from './test-host.js';

async function withServer(fn: (url: string, sim: ReturnType<typeof createSimulator>) => Promise<void>): Promise<void> {
  const sim = createSimulator({ serial: 1234567 });
  const server = await startConnectorServer(sim, { port: 0 });
  try {
    await fn(server.url, sim);
  } finally {
    await server.close();
    await sim.close();
  }
}

const post = (url: string, body: Uint8Array, headers: Record<string, string> = {}) =>
  fetch(`${url}/connector/api`, { method: 'POST', body, headers: { 'Content-Type': 'application/octet-stream', ...headers } });

test('GET /connector/status answers the connector key=value lines in order', async () => {
  await withServer(async (url) => {
    const res = await fetch(`${url}/connector/status`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain/);
    const body = await res.text();
    const lines = body.trim().split('\n');
    assert.deepEqual(
      lines.map((l) => l.split('=')[0]),
      ['status', 'serial', 'version', 'pid', 'address', 'port'],
    );
    assert.equal(lines[0], 'status=OK');
    assert.equal(lines[1], 'serial=1234567');
    assert.equal(lines[2], 'version=3.0.7');
    assert.equal(lines[3], `pid=${process.pid}`);
    assert.equal(lines[4], 'address=127.0.0.1');
    assert.equal(lines[5], `port=${new URL(url).port}`);
    assert.ok(Buffer.byteLength(body) < 256);
    assert.ok(!body.includes('simulated'));
    const wrong = await fetch(`${url}/connector/status`, { method: 'POST', body: 'x' });
    assert.equal(wrong.status, 405);
    assert.equal(wrong.headers.get('allow'), 'GET');
  });
});

test('POST /connector/api carries raw frames; device errors are 200 with a 0x7f frame', async () => {
  await withServer(async (url) => {
    const res = await post(url, hex('0100 03 616263'));
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/octet-stream');
    assert.equal(toHex(new Uint8Array(await res.arrayBuffer())), '810003616263');
    const err = await post(url, hex('480000'));
    assert.equal(err.status, 200);
    assert.equal(toHex(new Uint8Array(await err.arrayBuffer())), '7f000101');
    const get = await fetch(`${url}/connector/api`);
    assert.equal(get.status, 405);
    assert.equal(get.headers.get('allow'), 'POST');
    assert.equal((await fetch(`${url}/nope`)).status, 404);
  });
});

test('POST /connector/api: 400 when Content-Length is under 3 or over 3139', async () => {
  await withServer(async (url) => {
    assert.equal((await post(url, hex('0100'))).status, 400);
    assert.equal((await post(url, new Uint8Array(3140))).status, 400);
    const max = new Uint8Array(3139);
    max.set([0x01, 0x0c, 0x40]);
    assert.equal((await post(url, max)).status, 200, '3139 bytes reaches the device (which answers WRONG_LENGTH)');
  });
});

test('X-Request-ID is echoed, or generated when absent', async () => {
  await withServer(async (url) => {
    const echoed = await post(url, hex('010001ff'), { 'X-Request-ID': 'abc-123' });
    assert.equal(echoed.headers.get('x-request-id'), 'abc-123');
    const made = await fetch(`${url}/connector/status`);
    assert.match(made.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
  });
});

test('headers and body leave in a single write (no Nagle delay for libcurl clients)', async () => {
  await withServer(async (url) => {
    const u = new URL(url);
    const chunks = await new Promise<Buffer[]>((resolve, reject) => {
      const got: Buffer[] = [];
      const sock = connect(Number(u.port), u.hostname, () => {
        sock.write(`POST /connector/api HTTP/1.1\r\nHost: ${u.host}\r\nContent-Length: 4\r\nConnection: close\r\n\r\n`);
        sock.write(Buffer.from('010001ff', 'hex'));
      });
      sock.on('data', (d) => got.push(d));
      sock.on('end', () => resolve(got));
      sock.on('error', reject);
    });
    assert.equal(chunks.length, 1, 'one TCP segment carries status line, headers and body');
    const text = chunks[0]!.toString('latin1');
    assert.match(text, /^HTTP\/1\.1 200/);
    assert.ok(text.endsWith(Buffer.from('810001ff', 'hex').toString('latin1')));
  });
});

test('pathPrefix: the API answers only under the secret prefix; the bare paths are 404', async () => {
  const sim = createSimulator({ serial: 1234567 });
  const server = await startConnectorServer(sim, { port: 0, pathPrefix: 'sEcReT_123' });
  try {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/sEcReT_123$/);
    const origin = new URL(server.url).origin;
    assert.equal((await fetch(`${server.url}/connector/status`)).status, 200);
    assert.equal((await fetch(`${origin}/connector/status`)).status, 404);
    assert.equal((await post(origin, hex('01 0001 00'))).status, 404);
    assert.equal((await fetch(`${origin}/other/connector/status`)).status, 404);
    const echo = await post(server.url, hex('01 0001 00'));
    assert.equal(echo.status, 200);
    assert.equal(toHex(new Uint8Array(await echo.arrayBuffer())), '81000100');
  } finally {
    await server.close();
    await sim.close();
  }
  await assert.rejects(startConnectorServer(sim, { port: 0, pathPrefix: '../x' }), /pathPrefix/);
});
