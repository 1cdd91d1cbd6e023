import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RuntimeState } from '@openkms/policy';
import type { ReplayStore } from '@openkms/core';
import { redisMissing, startTestRedis, type TestRedis } from '@openkms/tooling/test-helpers';
import { RedisFleetState } from '../src/index.js';

const skip = redisMissing();
const DIGEST = 'ab'.repeat(32);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('RedisReplayStore: one claim per signed bytes across instances, the result replayed everywhere', { skip }, () => {
  let redis: TestRedis;
  const fleets: RedisFleetState[] = [];
  const runtimes = new Map<RedisFleetState, RuntimeState>();
  before(async () => {
    redis = await startTestRedis();
  });
  after(async () => {
    for (const f of fleets) f.close();
    await redis?.close();
  });
  const open = async (prefix: string, o: { replayTtlMs?: number } = {}): Promise<RedisFleetState> => {
    const runtime = RuntimeState.inMemory();
    const fleet = await RedisFleetState.open({ url: redis.url, instanceId: `i${fleets.length}`, keyPrefix: prefix, ...o }, runtime);
    fleets.push(fleet);
    runtimes.set(fleet, runtime);
    return fleet;
  };
  const soon = () => Date.now() + 10_000;

  /** A "request": joins, and when it holds the claim signs (counted) after a while and completes or abandons. */
  const request = async (store: ReplayStore, signed: { n: number }, outcome: 'sign' | 'refuse' = 'sign', ms = 50) => {
    const j = await store.join('k', DIGEST, soon());
    if (j.cached) return { replay: true, body: j.cached.body };
    await sleep(ms);
    if (outcome === 'refuse') {
      await j.claim.abandon();
      return { refused: true };
    }
    signed.n++;
    const body = { signature: `sig-${signed.n}` };
    await j.claim.complete({ body, signatureSha256: `sha-${signed.n}` });
    return { replay: false, body };
  };

  test('30 identical requests over three instances at once: one signs, the 29 others replay its result; a later one replays too', async () => {
    const stores = (await Promise.all([open('r1:'), open('r1:'), open('r1:')])).map((f) => f.replay);
    const signed = { n: 0 };
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => request(stores[i % 3]!, signed)));
    assert.equal(signed.n, 1);
    assert.equal(results.filter((r) => r.replay === false).length, 1);
    assert.deepEqual(new Set(results.map((r) => JSON.stringify(r.body))), new Set([JSON.stringify({ signature: 'sig-1' })]));
    assert.deepEqual(await stores[2]!.get('k', DIGEST), { body: { signature: 'sig-1' }, signatureSha256: 'sha-1' });
    assert.equal((await stores[1]!.join('k', DIGEST, soon())).cached?.signatureSha256, 'sha-1');
    assert.equal(await stores[1]!.get('other', DIGEST), undefined, 'keyed by label');
  });

  test('an abandoned claim (refused) is taken over by one waiter; the others replay its signature', async () => {
    const stores = (await Promise.all([open('r2:'), open('r2:')])).map((f) => f.replay);
    const signed = { n: 0 };
    const first = request(stores[0]!, signed, 'refuse', 100);
    await sleep(20);
    const rest = await Promise.all(Array.from({ length: 10 }, (_, i) => request(stores[i % 2]!, signed)));
    assert.deepEqual(await first, { refused: true });
    assert.equal(signed.n, 1);
    assert.equal(rest.filter((r) => r.replay === false).length, 1);
  });

  test('a claimant that died (no complete, no abandon): its lease lapses and a waiter takes over', async () => {
    const [a, b] = (await Promise.all([open('r3:'), open('r3:')])).map((f) => f.replay);
    const dead = await a!.join('k', DIGEST, Date.now() + 300); // lease: 300 ms + the 2 s grace
    assert.ok(dead.claim);
    const started = Date.now();
    const j = await b!.join('k', DIGEST, Date.now() + 10_000);
    assert.ok(j.claim, 'the waiter holds the claim now');
    assert.ok(Date.now() - started >= 1500, 'not before the lease lapsed');
    await j.claim.complete({ body: { signature: 's' }, signatureSha256: 'x' });
    await dead.claim.abandon(); // too late: the claim is not its own anymore, nothing is dropped
    assert.equal((await a!.get('k', DIGEST))?.signatureSha256, 'x');
  });

  test('a waiter gives up at its deadline with deadline_exceeded', async () => {
    const [a, b] = (await Promise.all([open('r4:'), open('r4:')])).map((f) => f.replay);
    const held = await a!.join('k', DIGEST, soon());
    await assert.rejects(b!.join('k', DIGEST, Date.now() + 300), (e: any) => e.code === 'deadline_exceeded');
    await held.claim!.abandon();
    assert.ok((await b!.join('k', DIGEST, soon())).claim, 'free again after the abandon');
  });

  test('replays off (ttl 0): identical requests at once still join; nothing is kept afterwards', async () => {
    const stores = (await Promise.all([open('r5:', { replayTtlMs: 0 }), open('r5:', { replayTtlMs: 0 })])).map((f) => f.replay);
    const signed = { n: 0 };
    const first = request(stores[0]!, signed, 'sign', 100);
    await sleep(20);
    // a waiter during the signing finds no result after it (replays off): it takes the claim and signs itself
    const second = await request(stores[1]!, signed);
    await first;
    assert.equal(signed.n, 2);
    assert.equal(second.replay, false);
    assert.equal(await stores[0]!.get('k', DIGEST), undefined);
  });

  test('remember (an approved request, no claim) is replayed; the entry expires with the TTL', async () => {
    const store = (await open('r6:', { replayTtlMs: 300 })).replay;
    await store.remember('k', DIGEST, { body: { signature: 'approved' }, signatureSha256: 'y' });
    assert.equal((await store.join('k', DIGEST, soon())).cached?.body.signature, 'approved');
    await sleep(450);
    assert.equal(await store.get('k', DIGEST), undefined);
  });

  test('a replay re-reads the kill switches when their revision moved (even if the announcement was missed)', async () => {
    const [a, b] = await Promise.all([open('r8:'), open('r8:')]);
    await a.replay.remember('k', DIGEST, { body: { signature: 's' }, signatureSha256: 'x' });
    // a kill switch written without an announcement (as if B's subscriber had missed it)
    const disabled = RuntimeState.inMemory();
    disabled.setKeyEnabled('k', false);
    await a.redis.set('r8:runtime', JSON.stringify(disabled.snapshot()));
    await a.redis.incr('r8:runtime:rev');
    assert.equal(b.runtime.revision, '1');
    assert.ok((await b.replay.join('k', DIGEST, soon())).cached);
    assert.equal(b.runtime.revision, '2', 'read along with the replay');
    assert.equal(runtimes.get(b)!.isKeyEnabled('k'), false, 'the kill switch is applied before the replay is decided');
  });

  test('Redis down: join rejects with state_unavailable (no claim, so nothing signed)', async () => {
    const store = (await open('r7:')).replay;
    await redis.kill();
    try {
      await assert.rejects(store.join('k', DIGEST, soon()), (e: any) => e.code === 'state_unavailable');
      await assert.rejects(store.get('k', DIGEST), (e: any) => e.code === 'state_unavailable');
    } finally {
      await redis.restart();
    }
  });
});
