import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { startTestSigner, type TestResponse, type TestSigner } from './support/test-signer.js';

function assertErrorBody(res: TestResponse, status: number, code: string): void {
  assert.equal(res.status, status, res.text);
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
  assert.deepEqual(
    Object.keys(res.json)
      .filter((k) => k !== 'details')
      .sort(),
    ['code', 'error', 'request_id'],
  );
  assert.equal(res.json.code, code);
  assert.equal(typeof res.json.error, 'string');
  assert.equal(res.json.request_id, res.headers.get('x-request-id'));
  assert.ok(!res.text.includes('<html') && !res.text.includes('<!DOCTYPE'), 'never an HTML error page');
}

describe('HTTP errors: one JSON body everywhere', () => {
  let s: TestSigner;
  before(async () => {
    s = await startTestSigner();
  });
  after(async () => {
    await s.close();
  });

  test('GET /health is public and minimal', async () => {
    const res = await s.request('GET', '/health');
    assert.equal(res.status, 200);
    assert.deepEqual(res.json, { status: 'ok', hsm_up: true, audit_up: true, simulated: true });
    assert.ok(res.headers.get('x-request-id'));
  });

  test('unknown route → 404 JSON', async () => {
    assertErrorBody(await s.request('GET', '/nope'), 404, 'not_found');
    assertErrorBody(await s.request('POST', '/sign/unknown-chain', { token: s.signerToken, body: { label: 'x' } }), 404, 'not_found');
  });

  test('known route, wrong method → 405 JSON with Allow', async () => {
    const res = await s.request('DELETE', '/health');
    assertErrorBody(res, 405, 'method_not_allowed');
    assert.match(res.headers.get('allow') ?? '', /GET/);
    assertErrorBody(await s.request('GET', '/sign/solana', { token: s.signerToken }), 405, 'method_not_allowed');
  });

  test('malformed JSON → 400', async () => {
    assertErrorBody(await s.request('POST', '/sign/solana', { token: s.signerToken, rawBody: '{"label": ' }), 400, 'malformed_json');
  });

  test('a JSON body that is not an object → 400', async () => {
    assertErrorBody(await s.request('POST', '/sign/solana', { token: s.signerToken, rawBody: '[1,2]' }), 400, 'invalid_request');
  });

  test('oversize body → 413', async () => {
    const big = JSON.stringify({ label: 'solana-hot-0', message_b64: 'A'.repeat(200_000) });
    assertErrorBody(await s.request('POST', '/sign/solana', { token: s.signerToken, rawBody: big }), 413, 'payload_too_large');
  });

  test('wrong content type → 415', async () => {
    assertErrorBody(
      await s.request('POST', '/sign/solana', { token: s.signerToken, rawBody: 'label=x', contentType: 'application/x-www-form-urlencoded' }),
      415,
      'unsupported_media_type',
    );
    assertErrorBody(await s.request('POST', '/sign/solana', { token: s.signerToken, rawBody: '{}', contentType: 'text/plain' }), 415, 'unsupported_media_type');
  });

  test('body that fails the OpenAPI schema → 400 naming the field', async () => {
    const res = await s.request('POST', '/sign/solana', { token: s.signerToken, body: { label: 'solana-hot-0', message_b64: 'AAAA', extra: 1 } });
    assertErrorBody(res, 400, 'invalid_request');
    assert.equal(res.json.details.path, 'extra');
  });

  test('missing or malformed Authorization → 401 JSON', async () => {
    assertErrorBody(await s.request('GET', '/keys'), 401, 'unauthorized');
    assertErrorBody(await s.request('GET', '/keys', { headers: { authorization: 'Basic abc' } }), 401, 'unauthorized');
    assertErrorBody(await s.request('GET', '/keys', { token: 'okms_wrong' }), 401, 'unauthorized');
  });

  test('an undecodable path parameter is 400 invalid_request, not a 500', async () => {
    assertErrorBody(await s.request('GET', '/policy/%E0%A4%A', { token: s.signerToken }), 400, 'invalid_request');
    assertErrorBody(await s.request('POST', '/admin/keys/%E0%A4%A/disable', { token: s.adminToken }), 400, 'invalid_request');
  });

  test('requests Node rejects before routing (malformed request line, oversized headers) still get the JSON body', async () => {
    const raw = (payload: string) =>
      new Promise<string>((resolve, reject) => {
        const socket = connect(Number(new URL(s.url).port), '127.0.0.1');
        let out = '';
        socket.on('data', (d) => (out += String(d)));
        socket.on('end', () => resolve(out));
        socket.on('error', reject);
        socket.write(payload);
      });
    const garbage = await raw('BLAH / HTTP/9\r\n\r\n');
    assert.match(garbage, /^HTTP\/1\.1 400 /);
    assert.match(garbage, /x-request-id: /i);
    assert.equal(JSON.parse(garbage.slice(garbage.indexOf('\r\n\r\n') + 4)).code, 'invalid_request');
    const huge = await raw(`GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    assert.match(huge, /^HTTP\/1\.1 431 /);
    assert.equal(JSON.parse(huge.slice(huge.indexOf('\r\n\r\n') + 4)).code, 'invalid_request');
  });

  test('every response carries x-request-id, echoing a valid incoming one', async () => {
    const res = await s.request('GET', '/health', { headers: { 'x-request-id': 'abc-123' } });
    assert.equal(res.headers.get('x-request-id'), 'abc-123');
    const bad = await s.request('GET', '/nope', { headers: { 'x-request-id': 'bad id with spaces' } });
    assert.notEqual(bad.headers.get('x-request-id'), 'bad id with spaces');
    assert.ok(bad.headers.get('x-request-id'));
  });
});
