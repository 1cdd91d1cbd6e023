import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { redisMissing, startTestRedis, type TestRedis } from '@openkms/tooling/test-helpers';
import type { TestSigner } from './support/test-signer.js';
import { startTestFleet, type TestFleet } from './support/test-fleet.js';
import { SOL, keyAddress, signSolana, solanaBody, withPolicy } from './support/policy-fixtures.js';

const SYSTEM = '11111111111111111111111111111111';
const skip = redisMissing();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * GET /policy in fleet mode while Redis does not answer: the configured policy is still served (200), but each key's
 * usage says it is not the current state (never a fresh 0 that reads as an untouched budget), with the time the
 * figures shown were read, and the response header sums up the state store; all live again once Redis is back.
 */
describe('fleet mode: GET /policy marks the usage unavailable while Redis does not answer', { skip }, () => {
  let redis: TestRedis;
  let testFleet: TestFleet | undefined;
  let a: TestSigner;
  let b: TestSigner;
  let from = '';

  before(async () => {
    redis = await startTestRedis();
    const policy = `max_signs_per_minute = 10\ndaily_cap_lamports = "1000000000000"\nallowed_programs = [{ id = "${SYSTEM}" }]`;
    testFleet = await startTestFleet({ redisUrl: redis.url, ids: ['A', 'B'], config: withPolicy(SOL, policy) });
    [a, b] = testFleet.instances as [TestSigner, TestSigner];
    from = await keyAddress(a, SOL);
  });
  after(async () => {
    await testFleet?.close();
    await redis?.close();
  });

  test('Redis down: usage_unavailable, the stale figures with the time they were read, state_store unreachable; live again after', async () => {
    for (let i = 0; i < 10; i++) {
      const signed = await signSolana(a, solanaBody(from, 1000n + BigInt(i)));
      assert.equal(signed.status, 200, signed.text);
    }
    // explain on B decides on the fleet's windows (10 of 10 this minute, signed on A), not on B's own empty memory
    const explained = await b.request('POST', `/policy/${SOL}/explain`, { token: b.signerToken, body: solanaBody(from, 5000n) });
    assert.equal(explained.status, 200, explained.text);
    assert.equal(explained.json.allowed, false, explained.text);
    assert.equal(explained.json.code, 'rate_limited');
    const live = await a.request('GET', `/policy/${SOL}`, { token: a.signerToken });
    assert.equal(live.status, 200, live.text);
    assert.equal(live.json.runtime.usage_unavailable, false);
    assert.deepEqual(live.json.runtime.state_store, { kind: 'redis', reachable: true });
    assert.equal(live.json.runtime.sign_counts.per_minute.used, 10);
    assert.equal(typeof live.json.runtime.usage_read_at, 'string');
    assert.equal(live.headers.get('x-openkms-state-store'), 'kind=redis; reachable=true; usage_unavailable=0');

    await sleep(1100); // past the AOF's everysec fsync
    const killedAt = Date.now();
    await redis.kill();
    // A read the key before: its last figures, labelled with the time they were read
    const stale = await a.request('GET', `/policy/${SOL}`, { token: a.signerToken });
    assert.equal(stale.status, 200, stale.text);
    assert.equal(stale.json.runtime.usage_unavailable, true);
    assert.equal(stale.json.runtime.usage_error, 'state_unavailable');
    assert.deepEqual(stale.json.runtime.state_store, { kind: 'redis', reachable: false });
    assert.equal(stale.json.runtime.usage_read_at, live.json.runtime.usage_read_at);
    assert.equal(stale.json.runtime.sign_counts.per_minute.used, 10);
    assert.equal(stale.json.policy.max_signs_per_minute, 10, 'the configured policy is still served');
    assert.equal(stale.headers.get('x-openkms-state-store'), 'kind=redis; reachable=false; usage_unavailable=1');
    // on B: every key marked; figures never read (zeros) say null, never a time after Redis went away
    const list = await b.request('GET', '/policy', { token: b.signerToken });
    assert.equal(list.status, 200, list.text);
    assert.ok(list.json.length > 0);
    for (const v of list.json) {
      assert.equal(v.runtime.usage_unavailable, true, v.label);
      const at = v.runtime.usage_read_at;
      assert.ok(at === null || Date.parse(at) < killedAt, `${v.label}: ${at}`);
      assert.deepEqual(v.runtime.state_store, { kind: 'redis', reachable: false });
    }
    assert.equal(list.headers.get('x-openkms-state-store'), `kind=redis; reachable=false; usage_unavailable=${list.json.length}`);
    // explain cannot decide without the state: 503 state_unavailable, as a sign request gets, never a guess
    const blind = await b.request('POST', `/policy/${SOL}/explain`, { token: b.signerToken, body: solanaBody(from, 5000n) });
    assert.equal(blind.status, 503, blind.text);
    assert.equal(blind.json.code, 'state_unavailable');
    // the admin snapshot carries the same runtime
    const admin = await b.request('GET', `/admin/keys/${SOL}/policy`, { token: b.adminToken });
    assert.equal(admin.status, 200, admin.text);
    assert.equal(admin.json.runtime.usage_unavailable, true);

    await redis.restart();
    for (let i = 0; ; i++) {
      const r = await b.request('GET', `/policy/${SOL}`, { token: b.signerToken });
      assert.equal(r.status, 200, r.text);
      if (r.json.runtime.usage_unavailable === false) {
        assert.deepEqual(r.json.runtime.state_store, { kind: 'redis', reachable: true });
        assert.equal(r.json.runtime.sign_counts.per_minute.used, 10, 'the fleet-wide figure, now read');
        assert.equal(r.json.runtime.usage_error, undefined);
        assert.equal(r.headers.get('x-openkms-state-store'), 'kind=redis; reachable=true; usage_unavailable=0');
        break;
      }
      assert.ok(i < 300, 'GET /policy never became live again');
      await sleep(50);
    }
  });
});
