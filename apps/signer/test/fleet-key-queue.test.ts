import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { redisMissing, startTestRedis, type TestRedis } from '@openkms/tooling/test-helpers';
import { postOnce, startTestFleet, type TestFleet } from './support/test-fleet.js';
import { SOL, keyAddress, metricValue, policyView, solanaBody, withPolicy } from './support/policy-fixtures.js';

const SYSTEM = '11111111111111111111111111111111';
const skip = redisMissing();

/**
 * Fleet mode: an instance's decisions on one key run one at a time (the policy engine's key queue), so its own
 * concurrent requests never conflict on the key's compare-and-set. Counted (openkms_state_cas_retries_total), not timed.
 */
describe('fleet mode: one instance never races its own decisions on a key', { skip }, () => {
  let redis: TestRedis;
  let fleet: TestFleet | undefined;

  before(async () => {
    redis = await startTestRedis();
    const policy = `max_signs_per_minute = 30\nper_tx_cap_lamports = "5000000000"\ndaily_cap_lamports = "1000000000000"\nallowed_programs = [{ id = "${SYSTEM}" }]`;
    fleet = await startTestFleet({ redisUrl: redis.url, ids: ['A'], keyPrefix: 'key-queue:', config: withPolicy(SOL, policy) });
  });
  after(async () => {
    await fleet?.close();
    await redis?.close();
  });

  test('40 parallel requests on one key: exactly 30 signed, 10 rate_limited, no compare-and-set retry', async () => {
    const s = fleet!.instances[0]!;
    const from = await keyAddress(s, SOL);
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => postOnce(s, '/sign/solana', solanaBody(from, 1000n + BigInt(i)))));
    const statuses = results.map((r) => (r.status === 200 ? '200' : `${r.status} ${r.json?.code}`));
    assert.equal(statuses.filter((x) => x === '200').length, 30, JSON.stringify(statuses));
    assert.equal(statuses.filter((x) => x === '429 rate_limited').length, 10, JSON.stringify(statuses));
    assert.equal((await policyView(s, SOL)).runtime.sign_counts.per_minute.used, 30);
    assert.equal(await metricValue(s, 'openkms_state_cas_retries_total', { label: SOL }), 0);
  });
});
