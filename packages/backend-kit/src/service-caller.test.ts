import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isOpenKmsError, openKmsError, type KeyBackendEvent } from '@openkms/core';
import { createServiceCaller } from './service-caller.js';

function caller(timeoutMs = 2_000) {
  const events: KeyBackendEvent[] = [];
  const c = createServiceCaller({
    service: 'Test KMS',
    context: { name: 'kms', configDir: '.', log: () => undefined, onEvent: (e) => events.push(e) },
    timeoutMs,
    maxAttempts: 3,
    baseDelayMs: 1,
    retryable: (err) => ({ retry: (err as Error).message === 'throttled' }),
    errorLabel: (err) => (err as Error).message,
    toOpenKmsError: (err, base) => openKmsError('backend_unavailable', `mapped: ${(err as Error).message}`, base),
  });
  return { c, events };
}

test('a throttled attempt is retried, then the answer returned; events name the operation and the device is up', async () => {
  const { c, events } = caller();
  let n = 0;
  const out = await c.call('Sign', async () => {
    if (++n < 3) throw new Error('throttled');
    return 'ok';
  });
  assert.equal(out, 'ok');
  assert.equal(n, 3);
  assert.deepEqual(
    events.map((e) => `${e.type}:${e.error ?? e.ok ?? ''}`),
    ['command:throttled', 'retry:throttled', 'command:throttled', 'retry:throttled', 'command:true', 'up:'],
  );
});

test('a non-retryable failure is mapped once (fail closed) and marks the service down when unavailable', async () => {
  const { c, events } = caller();
  let n = 0;
  const err = await c
    .call(
      'Sign',
      async () => {
        n++;
        throw new Error('denied');
      },
      { key_id: 'k1' },
    )
    .catch((e: unknown) => e);
  assert.equal(n, 1);
  assert.ok(isOpenKmsError(err) && err.code === 'backend_unavailable');
  assert.deepEqual(err.context, { backend: 'kms', operation: 'Sign', key_id: 'k1' });
  assert.equal(events.at(-1)?.type, 'down');
});

test('a service that never answers is backend_timeout at the deadline; a closed caller refuses', async () => {
  const { c } = caller(50);
  const err = await c
    .call('Sign', (signal) => new Promise((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted')))))
    .catch((e: unknown) => e);
  assert.ok(isOpenKmsError(err) && err.code === 'backend_timeout', String(err));
  assert.equal(err.context.timeout_ms, 50);
  c.close();
  assert.equal(c.closed, true);
  const closed = await c.call('Sign', async () => 'never').catch((e: unknown) => e);
  assert.ok(isOpenKmsError(closed) && closed.code === 'backend_unavailable');
});
