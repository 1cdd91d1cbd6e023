import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RuntimeState } from '@openkms/policy';
import { redisMissing, startTestRedis, type TestRedis } from '@openkms/tooling/test-helpers';
import { RedisFleetState, RedisRecordMap, rebuildFleetState } from '../src/index.js';

const skip = redisMissing();

describe('fleet marker, rebuild and shared records', { skip }, () => {
  let redis: TestRedis;
  const fleets: RedisFleetState[] = [];
  before(async () => {
    redis = await startTestRedis();
  });
  after(async () => {
    for (const f of fleets) f.close();
    await redis?.close();
  });
  const open = async (joinedBefore: boolean, runtime = RuntimeState.inMemory()) => {
    const f = await RedisFleetState.open({ url: redis.url, instanceId: `i${fleets.length}`, keyPrefix: 'm:', joinedBefore }, runtime);
    fleets.push(f);
    return f;
  };

  test('a new fleet is created once; a lost one refuses with state_lost, is not seeded, and comes back after a rebuild', async () => {
    const a = await open(false);
    assert.equal(a.status, 'created');
    assert.equal((await open(true)).status, 'joined');
    await a.policy.add('k', { time: Date.now(), spend: new Map([['native', 5n]]) });
    await a.redis.flushall();
    await assert.rejects(a.policy.load('k', 0), { code: 'state_lost' });
    await assert.rejects(a.policy.reserve('k', { time: Date.now(), spend: new Map() }), { code: 'state_lost' });

    const disabled = RuntimeState.inMemory();
    const lost = await open(true, disabled);
    assert.equal(lost.status, 'lost');
    assert.equal(await lost.redis.get('m:runtime'), null, 'a lost fleet is not seeded with a fresh runtime state');

    const now = Date.now();
    const result = await rebuildFleetState(a.redis, 'm:', [
      { label: 'k', time: now - 1000, spend: new Map([['native', 5n]]) },
      { label: 'k', time: now - 500, spend: new Map([['native', 7n]]) },
    ]);
    assert.equal(result.signatures, 2);
    const { view } = await a.policy.load('k', now - 60_000);
    assert.equal(view.signCount('k', now - 60_000), 2);
    assert.equal(view.spent('k', 'native', now - 60_000), 12n);
    await assert.rejects(rebuildFleetState(a.redis, 'm:', []), { code: 'invalid_request' });
    // --force replaces the counters
    await rebuildFleetState(a.redis, 'm:', [{ label: 'k', time: now, spend: new Map([['native', 1n]]) }], { force: true });
    assert.equal((await a.policy.load('k', now - 60_000)).view.spent('k', 'native', now - 60_000), 1n);
  });

  test('records change only by compare-and-set on their stored text; a claim is exclusive', async () => {
    const f = fleets[0]!;
    const one = new RedisRecordMap(f.redis, 'm:', 'things', 'i0');
    const two = new RedisRecordMap(f.redis, 'm:', 'things', 'i1');
    assert.equal(await one.put('x', '{"v":1}', undefined), true);
    assert.equal(await two.put('x', '{"v":2}', undefined), false, 'it exists');
    assert.equal(await two.put('x', '{"v":2}', '{"v":1}'), true);
    assert.equal(await one.put('x', '{"v":3}', '{"v":1}'), false, 'changed meanwhile');
    assert.deepEqual([...(await one.all())], [['x', '{"v":2}']]);
    assert.equal(await one.claim('x', 10_000), true);
    assert.equal(await two.claim('x', 10_000), false);
    assert.equal(await two.claimed('x'), true);
    await one.unclaim('x');
    assert.equal(await two.claim('x', 10_000), true);
    assert.equal(await one.put('x', undefined, '{"v":2}'), true);
    assert.equal(await one.get('x'), undefined);
  });
});
