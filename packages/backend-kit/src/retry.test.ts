import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { withRetry } from './retry.js';

const fast = { maxAttempts: 4, baseDelayMs: 1, maxDelayMs: 5 };

describe('withRetry', () => {
  it('retries what the verdict calls retryable, up to maxAttempts, then throws the last error', async () => {
    const seen: number[] = [];
    const retried: number[] = [];
    await assert.rejects(
      withRetry(
        async (n) => {
          seen.push(n);
          throw new Error(`throttled ${n}`);
        },
        fast,
        () => ({ retry: true }),
        (_err, n) => retried.push(n),
      ),
      /throttled 4/,
    );
    assert.deepEqual(seen, [1, 2, 3, 4]);
    assert.deepEqual(retried, [1, 2, 3]);
  });

  it('returns the first success; a non-retryable error is thrown at once', async () => {
    assert.equal(
      await withRetry(
        async (n) => (n < 3 ? Promise.reject(new Error('busy')) : n),
        fast,
        () => ({ retry: true }),
      ),
      3,
    );
    let calls = 0;
    await assert.rejects(
      withRetry(
        async () => {
          calls++;
          throw new Error('denied');
        },
        fast,
        () => ({ retry: false }),
      ),
      /denied/,
    );
    assert.equal(calls, 1);
  });

  it("honours the service's Retry-After hint, capped at maxDelayMs", async () => {
    const started = process.hrtime.bigint();
    await withRetry(
      async (n) => (n === 1 ? Promise.reject(new Error('429')) : 'ok'),
      { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 30 },
      () => ({
        retry: true,
        afterMs: 60_000,
      }),
    );
    // capped: the call returns after about maxDelayMs, not a minute (a generous bound, no tight timing)
    assert.ok(Number(process.hrtime.bigint() - started) / 1e6 < 20_000);
  });
});
