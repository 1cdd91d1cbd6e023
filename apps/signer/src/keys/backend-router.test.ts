import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BackendHealth, KeyBackend } from '@openkms/core';
import { KeyBackendRouter } from './backend-router.js';

/** A backend whose health checks are counted and can be held back or made to fail. */
function fakeBackend() {
  const state = { checks: 0, up: true, hang: false, failSign: false };
  const backend = {
    kind: 'fake',
    async health(): Promise<BackendHealth> {
      state.checks++;
      if (state.hang) await new Promise(() => undefined);
      return { up: state.up, simulated: false };
    },
    async signEd25519(): Promise<Uint8Array> {
      if (state.failSign) throw new Error('device gone');
      return new Uint8Array(64);
    },
    async getPublicKey() {
      return new Uint8Array(32);
    },
    async listKeys() {
      return [];
    },
    async close() {},
  } as unknown as KeyBackend;
  return { state, backend };
}

test('backend health is cached: concurrent and repeated /health calls within the TTL cost one check', async () => {
  const a = fakeBackend();
  const b = fakeBackend();
  const router = new KeyBackendRouter(
    [
      { name: 'a', kind: 'fake', backend: a.backend },
      { name: 'b', kind: 'fake', backend: b.backend },
    ],
    undefined,
    { ttlMs: 60_000, waitMs: 5_000 },
  );
  const all = await Promise.all(Array.from({ length: 20 }, () => router.statuses()));
  assert.ok(all.every((s) => s.every((x) => x.up)));
  for (let i = 0; i < 10; i++) await router.health();
  assert.equal(a.state.checks, 1);
  assert.equal(b.state.checks, 1);
  a.state.up = false;
  assert.equal((await router.health()).up, true, 'the cached answer, within the TTL');
});

test('backend health: an expired answer is checked again; a failed signature ends the cached answer early', async () => {
  const a = fakeBackend();
  const router = new KeyBackendRouter([{ name: 'a', kind: 'fake', backend: a.backend }], undefined, { ttlMs: 30, waitMs: 5_000 });
  assert.equal((await router.health()).up, true);
  a.state.up = false;
  await sleep(60);
  assert.equal((await router.health()).up, false);
  assert.equal(a.state.checks, 2);

  const slow = new KeyBackendRouter([{ name: 'a', kind: 'fake', backend: a.backend }], undefined, { ttlMs: 60_000, waitMs: 5_000 });
  a.state.up = true;
  assert.equal((await slow.health()).up, true);
  a.state.up = false;
  a.state.failSign = true;
  await assert.rejects(slow.signEd25519({ id: 'k', backend: 'a' } as never, new Uint8Array(1)));
  assert.equal((await slow.health()).up, false, 'the failure made the router ask again');
});

test('backend health: a check that does not answer within waitMs counts as down, and /health does not wait for it', async () => {
  const a = fakeBackend();
  a.state.hang = true;
  const router = new KeyBackendRouter([{ name: 'a', kind: 'fake', backend: a.backend }], undefined, { ttlMs: 60_000, waitMs: 50 });
  const t0 = performance.now();
  const [s] = await router.statuses();
  assert.equal(s!.up, false);
  assert.ok(performance.now() - t0 < 30_000, 'answered (the check hangs forever)');
  await router.statuses();
  assert.equal(a.state.checks, 1, 'the hanging check is shared, not repeated');
});
