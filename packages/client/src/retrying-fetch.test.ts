import { test } from 'node:test';
import assert from 'node:assert/strict';
import { retryingFetch, type RetryEvent } from './retrying-fetch.js';

/** A fetch answering the given statuses in turn (the last one again once they run out), recording what it was sent. */
function scripted(answers: { status: number; retryAfter?: string; code?: string }[]) {
  const seen: { method: string; body: string }[] = [];
  const fetch = async (request: Request) => {
    seen.push({ method: request.method, body: await request.text() });
    const a = answers[Math.min(seen.length - 1, answers.length - 1)]!;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (a.retryAfter !== undefined) headers['retry-after'] = a.retryAfter;
    return new Response(JSON.stringify({ code: a.code ?? 'x', error: 'e', request_id: `r${seen.length}` }), { status: a.status, headers });
  };
  return { fetch, seen };
}

const post = () => new Request('http://signer.test/sign/solana', { method: 'POST', body: '{"label":"k"}', headers: { 'content-type': 'application/json' } });

test('429 and 503 are repeated after their Retry-After, with the same body each time, until an answer that is not', async () => {
  const s = scripted([{ status: 429, retryAfter: '1', code: 'rate_limited' }, { status: 503, retryAfter: '0', code: 'backend_unavailable' }, { status: 200 }]);
  const events: RetryEvent[] = [];
  const res = await retryingFetch(s.fetch, { onRetry: (e) => void events.push(e) })(post());
  assert.equal(res.status, 200);
  assert.deepEqual(
    s.seen.map((x) => x.body),
    ['{"label":"k"}', '{"label":"k"}', '{"label":"k"}'],
  );
  assert.deepEqual(events, [
    { attempt: 1, status: 429, code: 'rate_limited', delayMs: 1000 },
    { attempt: 2, status: 503, code: 'backend_unavailable', delayMs: 0 },
  ]);
});

test('a 403 (and any other 4xx or 5xx) is returned at once, never repeated', async () => {
  for (const status of [403, 400, 401, 404, 409, 413, 500]) {
    const s = scripted([{ status, retryAfter: '0' }]);
    const res = await retryingFetch(s.fetch, { attempts: 5 })(post());
    assert.equal(res.status, status);
    assert.equal(s.seen.length, 1, `${status} is not retried`);
  }
});

test('attempts are bounded: the last 503 is returned', async () => {
  const s = scripted([{ status: 503, retryAfter: '0' }]);
  const res = await retryingFetch(s.fetch, { attempts: 3 })(post());
  assert.equal(res.status, 503);
  assert.equal(s.seen.length, 3);
  const capped = scripted([{ status: 503, retryAfter: '0' }]);
  await retryingFetch(capped.fetch, { attempts: 1000 })(post());
  assert.equal(capped.seen.length, 10, 'at most 10 attempts whatever is asked');
});

test('a Retry-After longer than maxDelayMs is not waited out: the answer comes back at once', async () => {
  const s = scripted([{ status: 429, retryAfter: '3600', code: 'window_cap_exceeded' }, { status: 200 }]);
  const res = await retryingFetch(s.fetch, { maxDelayMs: 5000 })(post());
  assert.equal(res.status, 429);
  assert.equal(res.headers.get('retry-after'), '3600');
  assert.equal(s.seen.length, 1);
});

test('a 503 without Retry-After waits defaultDelayMs; an aborted request stops waiting', async () => {
  const s = scripted([{ status: 503 }, { status: 200 }]);
  const events: RetryEvent[] = [];
  await retryingFetch(s.fetch, { defaultDelayMs: 5, onRetry: (e) => void events.push(e) })(post());
  assert.equal(events[0]?.delayMs, 5);
  const controller = new AbortController();
  const slow = scripted([{ status: 503, retryAfter: '20' }]);
  const pending = retryingFetch(slow.fetch, { onRetry: () => controller.abort(new Error('stop')) })(
    new Request('http://signer.test/keys', { signal: controller.signal }),
  );
  await assert.rejects(pending, /stop/);
  assert.equal(slow.seen.length, 1);
});
