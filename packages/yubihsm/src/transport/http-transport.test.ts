import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHttpTransport } from './http-transport.js';
import { createInProcessTransport } from './in-process-transport.js';
import { parseConnectorStatus } from './transport.js';
import { YubiHsmTransportError } from './transport-error.js';

async function serve(handler: Parameters<typeof createServer>[1]): Promise<{ url: string; server: Server }> {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

const close = (s: Server) =>
  new Promise<void>((r) => {
    s.closeAllConnections();
    s.close(() => r());
  });

test('connector status body is parsed as key=value lines', () => {
  const st = parseConnectorStatus('status=OK\nserial=*\nversion=3.0.7\npid=1234\naddress=localhost\nport=12345\n');
  assert.equal(st.ok, true);
  assert.equal(st.serial, '*');
  assert.equal(st.version, '3.0.7');
  assert.equal(st.pid, 1234);
  assert.equal(st.port, 12345);
  assert.equal(parseConnectorStatus('status=NO_DEVICE\n').ok, false);
  assert.equal(parseConnectorStatus('status=OKAY\n').ok, false);
});

test('HTTP transport: GET /connector/status and POST /connector/api with one raw frame', async () => {
  const seen: Array<{ method?: string; url?: string; type?: string; body: string }> = [];
  const { url, server } = await serve((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      seen.push({ method: req.method, url: req.url, type: req.headers['content-type'], body: body.toString('hex') });
      if (req.url === '/connector/status') {
        res.writeHead(200, { 'content-type': 'text/plain' }).end('status=OK\nserial=*\nversion=3.0.7\n');
      } else {
        // echo device: 01 len data → 81 len data
        body[0] = body[0]! | 0x80;
        res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(body);
      }
    });
  });
  const t = createHttpTransport({ url, timeoutMs: 1000 });
  try {
    assert.equal((await t.status()).ok, true);
    assert.deepEqual([...(await t.send(Uint8Array.of(1, 0, 2, 0xab, 0xcd)))], [0x81, 0, 2, 0xab, 0xcd]);
    assert.deepEqual(seen[1], { method: 'POST', url: '/connector/api', type: 'application/octet-stream', body: '010002abcd' });
    assert.equal(seen[0]!.method, 'GET');
  } finally {
    await t.close?.();
    await close(server);
  }
});

test('HTTP transport failures are typed: 500 → unavailable, 400 → http_error, slow → timeout, refused → unavailable', async () => {
  let mode = '500';
  const { url, server } = await serve((req, res) => {
    req.resume();
    if (mode === '500') res.writeHead(500).end('usb failure');
    else if (mode === '400') res.writeHead(400).end('bad');
    else if (mode === 'empty') res.writeHead(200).end();
    // 'slow': never answer
  });
  const t = createHttpTransport({ url, timeoutMs: 100 });
  try {
    await assert.rejects(
      t.send(Uint8Array.of(1, 0, 0)),
      (e: unknown) => e instanceof YubiHsmTransportError && e.reason === 'unavailable' && e.httpStatus === 500,
    );
    mode = '400';
    await assert.rejects(t.send(Uint8Array.of(1, 0, 0)), { reason: 'http_error' });
    mode = 'empty';
    await assert.rejects(t.send(Uint8Array.of(1, 0, 0)), { reason: 'bad_response' });
    mode = 'slow';
    const started = Date.now();
    await assert.rejects(t.send(Uint8Array.of(1, 0, 0)), { reason: 'timeout' });
    assert.ok(Date.now() - started < 1000);
    const ctl = new AbortController();
    const p = t.send(Uint8Array.of(1, 0, 0), { signal: ctl.signal, timeoutMs: 5000 });
    ctl.abort();
    await assert.rejects(p, { reason: 'aborted' });
  } finally {
    await t.close?.();
    await close(server);
  }
  const gone = createHttpTransport({ url, timeoutMs: 500 });
  await assert.rejects(gone.status(), { reason: 'unavailable' });
  await gone.close?.();
  assert.throws(() => createHttpTransport({ url: 'ftp://x' }), TypeError);
  assert.throws(() => createHttpTransport({ url: 'http://user:pw@127.0.0.1:1' }), TypeError);
});

test('in-process transport: answers, maps handler failures to unavailable, and times out a handler that hangs', async () => {
  const t = createInProcessTransport(async (f) => Uint8Array.of(f[0]! | 0x80, 0, 0), { timeoutMs: 50 });
  assert.deepEqual([...(await t.send(Uint8Array.of(1, 0, 0)))], [0x81, 0, 0]);
  assert.equal((await t.status()).ok, true);
  const failing = createInProcessTransport(() => Promise.reject(new Error('unplugged')));
  await assert.rejects(failing.send(Uint8Array.of(1, 0, 0)), { reason: 'unavailable' });
  const hanging = createInProcessTransport(() => new Promise<Uint8Array>(() => undefined), { timeoutMs: 30 });
  await assert.rejects(hanging.send(Uint8Array.of(1, 0, 0)), { reason: 'timeout' });
});

test('HTTP transport: a kept-alive socket the connector reset as this request went out on it → sent again on a fresh connection', async () => {
  // a connector whose idle-close races the next request: the second request on a connection meets a TCP reset
  const requestsBySocket = new Map<object, number>();
  let resets = 0;
  const { url, server } = await serve((req, res) => {
    const n = (requestsBySocket.get(req.socket) ?? 0) + 1;
    requestsBySocket.set(req.socket, n);
    req.resume();
    req.on('end', () => {
      if (n >= 2) {
        resets++;
        req.socket.resetAndDestroy();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      res.end(Buffer.from([0x80 | 0x01, 0x00, 0x00]));
    });
  });
  const t = createHttpTransport({ url, timeoutMs: 2000 });
  try {
    assert.deepEqual([...(await t.send(Uint8Array.of(0x01, 0x00, 0x00)))], [0x81, 0, 0]);
    // the same kept-alive socket is reused and reset: the frame goes out again on a new connection and is answered
    assert.deepEqual([...(await t.send(Uint8Array.of(0x01, 0x00, 0x00)))], [0x81, 0, 0]);
    assert.equal(resets, 1);
    assert.equal(requestsBySocket.size, 2);
  } finally {
    await t.close?.();
    await close(server);
  }
});

test('HTTP transport: a reset on a fresh connection is not retried (the connector is gone or refusing)', async () => {
  let requests = 0;
  const { url, server } = await serve((req) => {
    requests++;
    req.resume();
    req.on('end', () => req.socket.resetAndDestroy());
  });
  const t = createHttpTransport({ url, timeoutMs: 2000 });
  try {
    await assert.rejects(t.send(Uint8Array.of(0x01, 0x00, 0x00)), (e: unknown) => e instanceof YubiHsmTransportError && e.reason === 'unavailable');
    assert.equal(requests, 1);
  } finally {
    await t.close?.();
    await close(server);
  }
});
