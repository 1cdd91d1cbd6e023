import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OpenKmsError, errorFromResponse, parseRetryAfter } from './openkms-error.js';

test('parseRetryAfter reads delta seconds and HTTP dates; anything else is undefined', () => {
  assert.equal(parseRetryAfter('7'), 7);
  assert.equal(parseRetryAfter(' 0 '), 0);
  const now = Date.parse('2026-01-01T00:00:00Z');
  assert.equal(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now), 30);
  assert.equal(parseRetryAfter('Wed, 31 Dec 2025 00:00:00 GMT', now), 0);
  assert.equal(parseRetryAfter(null), undefined);
  assert.equal(parseRetryAfter('soon'), undefined);
  assert.equal(parseRetryAfter('-1'), undefined);
});

test('errorFromResponse carries code, status, details, request id (body first, then header) and Retry-After', () => {
  const res = new Response(null, { status: 429, headers: { 'retry-after': '12', 'x-request-id': 'hdr' } });
  const err = errorFromResponse(res, {
    error: 'rate limited',
    code: 'rate_limited',
    request_id: 'body-id',
    details: { rule: 'max_signs_per_minute', retry_after_secs: 11 },
  });
  assert.ok(err instanceof OpenKmsError && err instanceof Error);
  assert.equal(err.name, 'OpenKmsError');
  assert.equal(err.message, 'rate limited');
  assert.equal(err.code, 'rate_limited');
  assert.equal(err.status, 429);
  assert.equal(err.requestId, 'body-id');
  assert.equal(err.retryAfter, 12);
  assert.deepEqual(err.details, { rule: 'max_signs_per_minute', retry_after_secs: 11 });

  const noHeader = errorFromResponse(new Response(null, { status: 429 }), {
    error: 'x',
    code: 'window_cap_exceeded',
    request_id: 'r',
    details: { retry_after_secs: 60 },
  });
  assert.equal(noHeader.retryAfter, 60, 'details.retry_after_secs when there is no header');

  const proxy = errorFromResponse(new Response(null, { status: 502, headers: { 'x-request-id': 'hdr' } }), '<html>bad gateway</html>');
  assert.equal(proxy.code, 'invalid_response');
  assert.equal(proxy.status, 502);
  assert.equal(proxy.requestId, 'hdr');
  assert.deepEqual(proxy.details, {});
});
