import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Intent } from '@openkms/core';
import { PolicyEngine, RuntimeState } from '@openkms/policy';
import { redisCommand, redisMissing, startTestRedis, type TestRedis } from '@openkms/tooling/test-helpers';
import { RedisFleetState } from '../src/index.js';

// The fleet-mode decisions of one instance run one at a time per key (PolicyEngine's key queue): an instance never
// makes its own compare-and-sets conflict. Counted, not timed: PolicyEngine.casRetries.

const skip = redisMissing();
const SYSTEM = '11111111111111111111111111111111';
const intent = (amount: bigint): Intent => ({
  chain: 'solana',
  signer: 'Signer1111',
  actions: [{ program: SYSTEM, kind: 'transfer', known: true }],
  programs: [SYSTEM],
  messageTypes: [],
  contracts: [],
  transfers: [{ asset: 'native', amount, from: 'Signer1111', to: 'Alice', via: SYSTEM }],
  fees: [],
  flags: [],
});
// 33 transfers of 30 fit under the cap of 1000; the sign limits are far away
const keys = {
  k: { chain: 'solana', policy: { allowed_programs: [{ id: SYSTEM }], max_signs_per_minute: 10_000, window_caps: { native: '1000' } } },
  other: { chain: 'solana', policy: { allowed_programs: [{ id: SYSTEM }], max_signs_per_minute: 10_000 } },
};

describe('fleet decisions queued per key on each instance', { skip }, () => {
  let redis: TestRedis;
  const fleets: RedisFleetState[] = [];
  before(async () => {
    redis = await startTestRedis();
  });
  after(async () => {
    for (const f of fleets) f.close();
    await redis?.close();
  });
  const open = async (prefix: string, commandTimeoutMs?: number, leaseMs?: number) => {
    const runtime = RuntimeState.inMemory();
    const fleet = await RedisFleetState.open(
      {
        url: redis.url,
        instanceId: `i${fleets.length}`,
        keyPrefix: prefix,
        ...(commandTimeoutMs ? { commandTimeoutMs } : {}),
        ...(leaseMs ? { leaseMs } : {}),
      },
      runtime,
    );
    fleets.push(fleet);
    const retried: string[] = [];
    const engine = new PolicyEngine({ keys, runtime, shared: fleet.policy, onCasRetry: (label) => retried.push(label) });
    return { fleet, engine, retried };
  };

  test('40 concurrent decisions on one key through one instance: no compare-and-set retry, the cap holds exactly', async () => {
    const { engine, retried } = await open('q1:');
    const results = await Promise.all(Array.from({ length: 40 }, () => engine.authorizeAsync('k', intent(30n))));
    const allowed = results.filter((r) => r.decision.allowed);
    assert.equal(allowed.length, 33);
    assert.ok(results.filter((r) => !r.decision.allowed).every((r) => r.decision.code === 'window_cap_exceeded'));
    assert.equal(engine.casRetries, 0, 'the instance never raced its own decisions');
    assert.deepEqual(retried, []);
    // the requests that arrived while the first was decided were reserved together (the version moves once per batch)
    const version = Number(await redisCommand(redis.port, ['GET', 'q1:k:k:v']));
    assert.ok(version >= 2 && version < 33, `key version ${version}`);
    allowed.forEach((r) => r.reservation!.commit());
    await Promise.all(allowed.map((r) => r.reservation!.settled));
    assert.equal((await engine.authorizeAsync('k', intent(30n))).decision.code, 'window_cap_exceeded', 'committed spend stays counted');
  });

  test('two instances under concurrent load keep the cap exactly; released budget comes back', async () => {
    const a = await open('q2:');
    const b = await open('q2:');
    const engines = [a.engine, b.engine];
    const results = await Promise.all(Array.from({ length: 80 }, (_, i) => engines[i % 2]!.authorizeAsync('k', intent(30n))));
    const allowed = results.filter((r) => r.decision.allowed);
    assert.equal(allowed.length, 33, 'exactly the cap across both instances');
    assert.ok(results.filter((r) => !r.decision.allowed).every((r) => r.decision.code === 'window_cap_exceeded'));
    // conflicts can only come from the other instance; either way every one was decided again, never lost
    assert.equal(a.retried.length + b.retried.length, a.engine.casRetries + b.engine.casRetries);
    // the last allowed one was reserved in a batch of several
    allowed.at(-1)!.reservation!.release();
    allowed.slice(0, -1).forEach((r) => r.reservation!.commit());
    await Promise.all(allowed.map((r) => r.reservation!.settled));
    const again = await Promise.all([a.engine.authorizeAsync('k', intent(30n)), b.engine.authorizeAsync('k', intent(30n))]);
    assert.equal(again.filter((r) => r.decision.allowed).length, 1, 'only the released slot is free again');
  });

  test('reservations made in one batch lapse with their lease like single ones (the budget returns)', async () => {
    const { engine } = await open('q4:', undefined, 300);
    const results = await Promise.all(Array.from({ length: 40 }, () => engine.authorizeAsync('k', intent(30n))));
    assert.equal(results.filter((r) => r.decision.allowed).length, 33);
    assert.equal((await engine.authorizeAsync('k', intent(30n))).decision.allowed, false);
    await new Promise((r) => setTimeout(r, 700));
    const again = await Promise.all(Array.from({ length: 40 }, () => engine.authorizeAsync('k', intent(30n))));
    assert.equal(again.filter((r) => r.decision.allowed).length, 33, 'every lapsed reservation gave its budget back');
    assert.equal(engine.casRetries, 0);
  });

  test('Redis not answering: the decision running and every one queued behind it fail with state_unavailable; a waiter past its deadline gets deadline_exceeded', async () => {
    const { engine } = await open('q3:', 400);
    assert.equal((await engine.authorizeAsync('k', intent(1n))).decision.allowed, true);
    // every command of every client waits (a hung server); each of this instance's commands times out after 400 ms
    await redisCommand(redis.port, ['CLIENT', 'PAUSE', '3000', 'ALL']);
    try {
      const first = engine.authorizeAsync('k', intent(1n));
      const impatient = engine.authorizeAsync('k', intent(1n), { deadline: Date.now() + 100 });
      const queued = Array.from({ length: 10 }, () => engine.authorizeAsync('k', intent(1n), { deadline: Date.now() + 60_000 }));
      await assert.rejects(impatient, (e: any) => e.code === 'deadline_exceeded');
      await assert.rejects(first, (e: any) => e.code === 'state_unavailable');
      // without sharing the fault, each waiter would wait out its own timeout in turn and the last ones would run
      // after the pause (allowed): sharing it fails them like the one before them, as concurrent decisions did
      const settled = await Promise.allSettled(queued);
      assert.ok(
        settled.every((s) => s.status === 'rejected' && (s.reason as { code?: string }).code === 'state_unavailable'),
        JSON.stringify(settled.map((s) => (s.status === 'rejected' ? (s.reason as { code?: string }).code : 'fulfilled'))),
      );
    } finally {
      await redisCommand(redis.port, ['CLIENT', 'UNPAUSE']).catch(() => undefined);
    }
    for (let i = 0; ; i++) {
      try {
        assert.equal((await engine.authorizeAsync('k', intent(1n))).decision.allowed, true);
        break;
      } catch (err) {
        if (i > 50) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  });
});
