import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Intent } from '@openkms/core';
import { PolicyEngine, RuntimeState } from '@openkms/policy';
import { Redis } from 'ioredis';
import { redisMissing, startTestRedis, type TestRedis } from '@openkms/tooling/test-helpers';
import { RedisFleetState } from '../src/index.js';

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
const keys = { k: { chain: 'solana', policy: { allowed_programs: [{ id: SYSTEM }], max_signs_per_minute: 5, window_caps: { native: '1000' } } } };

describe('RedisPolicyStateStore: one budget for several engines', { skip }, () => {
  let redis: TestRedis;
  const fleets: RedisFleetState[] = [];
  before(async () => {
    redis = await startTestRedis();
  });
  after(async () => {
    for (const f of fleets) f.close();
    await redis?.close();
  });
  const open = async (o: { leaseMs?: number; prefix?: string } = {}) => {
    const runtime = RuntimeState.inMemory();
    const fleet = await RedisFleetState.open(
      { url: redis.url, instanceId: `i${fleets.length}`, keyPrefix: o.prefix ?? 't1:', ...(o.leaseMs ? { leaseMs: o.leaseMs } : {}) },
      runtime,
    );
    fleets.push(fleet);
    return { fleet, engine: new PolicyEngine({ keys, runtime, shared: fleet.policy }) };
  };

  test('concurrent decisions on three engines never overshoot the sign limit or the cap; release gives budget back', async () => {
    const engines = await Promise.all([open(), open(), open()]);
    const results = await Promise.all(Array.from({ length: 60 }, (_, i) => engines[i % 3]!.engine.authorizeAsync('k', intent(100n))));
    const allowed = results.filter((r) => r.decision.allowed);
    assert.equal(allowed.length, 5);
    allowed[0]!.reservation!.release();
    allowed.slice(1).forEach((r) => r.reservation!.commit());
    await Promise.all(allowed.map((r) => r.reservation!.settled));
    const again = await engines[1]!.engine.authorizeAsync('k', intent(100n));
    assert.equal(again.decision.allowed, true, 'the released slot is free again');
    const denied = await engines[2]!.engine.authorizeAsync('k', intent(100n));
    assert.equal(denied.decision.allowed, false);
    assert.equal(denied.decision.code, 'rate_limited');
  });

  test('a pending reservation whose lease ran out lapses and its budget returns', async () => {
    const { engine } = await open({ leaseMs: 300, prefix: 't2:' });
    for (let i = 0; i < 5; i++) assert.equal((await engine.authorizeAsync('k', intent(10n))).decision.allowed, true);
    assert.equal((await engine.authorizeAsync('k', intent(10n))).decision.allowed, false);
    await new Promise((r) => setTimeout(r, 600));
    assert.equal((await engine.authorizeAsync('k', intent(10n))).decision.allowed, true);
  });

  test('Redis down: decisions reject with state_unavailable; they work again when it is back', async () => {
    const { fleet, engine } = await open({ prefix: 't3:' });
    await redis.kill();
    await assert.rejects(engine.authorizeAsync('k', intent(1n)), (e: any) => e.code === 'state_unavailable');
    await redis.restart();
    for (let i = 0; ; i++) {
      try {
        assert.equal((await engine.authorizeAsync('k', intent(1n))).decision.allowed, true);
        break;
      } catch (err) {
        if (i > 100) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    assert.equal(fleet.connected, true);
  });

  test('Redis down: the view marks the usage unavailable (the figures last read, with their time), never a fresh 0; live again when it is back', async () => {
    const { engine } = await open({ prefix: 't5:' });
    const other = await open({ prefix: 't5:' });
    const live = await engine.viewAsync('k');
    assert.equal(live.runtime.usage_unavailable, false);
    assert.deepEqual(live.runtime.state_store, { kind: 'redis', reachable: true });
    assert.equal(live.runtime.sign_counts.per_minute.used, 0);
    const r = await engine.authorizeAsync('k', intent(7n));
    r.reservation!.commit();
    await r.reservation!.settled;
    const read = await engine.viewAsync('k');
    assert.equal(read.runtime.sign_counts.per_minute.used, 1);
    await redis.kill();
    const down = await engine.viewAsync('k');
    assert.equal(down.runtime.usage_unavailable, true);
    assert.equal(down.runtime.usage_error, 'state_unavailable');
    assert.deepEqual(down.runtime.state_store, { kind: 'redis', reachable: false });
    assert.equal(down.runtime.usage_read_at, read.runtime.usage_read_at, 'the stale figures carry the time they were read');
    assert.equal(down.runtime.sign_counts.per_minute.used, 1);
    // an instance that never read the key: zeros that are marked as never read, not a live 0
    const never = await other.engine.viewAsync('k');
    assert.equal(never.runtime.usage_unavailable, true);
    assert.equal(never.runtime.usage_read_at, null);
    await redis.restart();
    for (let i = 0; ; i++) {
      const v = await other.engine.viewAsync('k');
      if (!v.runtime.usage_unavailable) {
        assert.equal(v.runtime.sign_counts.per_minute.used, 1);
        assert.deepEqual(v.runtime.state_store, { kind: 'redis', reachable: true });
        assert.equal(v.runtime.usage_error, undefined);
        break;
      }
      if (i > 100) assert.fail('the view never became live again');
      await new Promise((res) => setTimeout(res, 100));
    }
  });

  test('after the pub/sub connections drop and come back, a kill switch thrown through one instance still reaches the other', async () => {
    const a = await open({ prefix: 't5:' });
    const b = await open({ prefix: 't5:' });
    const admin = new Redis(redis.url, { lazyConnect: true });
    try {
      await admin.connect();
      // every subscriber connection is cut; ioredis reconnects them, and each store subscribes again by itself
      await admin.client('KILL', 'TYPE', 'pubsub');
      for (let i = 0; ; i++) {
        const [, runtimeSubscribers] = (await admin.pubsub('NUMSUB', 't5:runtime:changed')) as [string, number];
        const [, replaySubscribers] = (await admin.pubsub('NUMSUB', 't5:replay:settled')) as [string, number];
        if (Number(runtimeSubscribers) >= 2 && Number(replaySubscribers) >= 2) break;
        if (i > 100) assert.fail(`not subscribed again: runtime ${runtimeSubscribers}, replay ${replaySubscribers}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      await a.fleet.runtime.change(() => a.engine.runtime.setKeyEnabled('k', false));
      for (let i = 0; b.engine.runtime.isKeyEnabled('k'); i++) {
        if (i > 100) assert.fail('the switch did not propagate after the reconnect');
        await new Promise((r) => setTimeout(r, 20));
      }
    } finally {
      admin.disconnect();
    }
  });

  test('a kill switch thrown through one instance reaches the other', async () => {
    const a = await open({ prefix: 't4:' });
    const b = await open({ prefix: 't4:' });
    await a.fleet.runtime.change(() => a.engine.runtime.setKeyEnabled('k', false));
    for (let i = 0; b.engine.runtime.isKeyEnabled('k'); i++) {
      if (i > 100) assert.fail('the switch did not propagate');
      await new Promise((r) => setTimeout(r, 20));
    }
    const d = await b.engine.authorizeAsync('k', intent(1n));
    assert.equal(d.decision.code, 'key_disabled');
  });
});
