import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { redisMissing, startTestRedis, type TestRedis } from '@openkms/tooling/test-helpers';
import type { TestSigner } from './support/test-signer.js';
import { postOnce, startTestFleet, type TestFleet } from './support/test-fleet.js';
import { SOL, keyAddress, policyView, signSolana, solanaBody, withPolicy } from './support/policy-fixtures.js';

const SYSTEM = '11111111111111111111111111111111';
const skip = redisMissing();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Fleet mode (issue 19): three signer instances, each on its own simulator with the same demo keys, share one Redis. */
describe('fleet mode: three signers share budgets and kill switches through Redis', { skip }, () => {
  let redis: TestRedis;
  const fleet: TestSigner[] = [];
  let testFleet: TestFleet | undefined;
  let from = '';

  before(async () => {
    redis = await startTestRedis();
    const policy = `max_signs_per_minute = 10\nper_tx_cap_lamports = "5000000000"\ndaily_cap_lamports = "1000000000000"\nallowed_programs = [{ id = "${SYSTEM}" }]`;
    testFleet = await startTestFleet({ redisUrl: redis.url, config: withPolicy(SOL, policy) });
    fleet.push(...testFleet.instances);
    from = await keyAddress(fleet[0]!, SOL);
  });
  after(async () => {
    await testFleet?.close();
    await redis?.close();
  });

  test('300 parallel requests over three instances: exactly the allowed number succeed, the rest are 429, counters agree', async () => {
    const batch = (n: number, lamports: (i: number) => bigint) =>
      Promise.all(Array.from({ length: n }, (_, i) => postOnce(fleet[i % 3]!, '/sign/solana', solanaBody(from, lamports(i)))));
    // a cap of 10 signatures per minute
    const first = await batch(300, (i) => 1000n + BigInt(i));
    assert.equal(
      first.filter((r) => r.status === 200).length,
      10,
      JSON.stringify(first.filter((r) => r.status !== 200 && r.status !== 429).map((r) => r.json)),
    );
    const odd1 = first.filter((r) => !(r.status === 200 || (r.status === 429 && r.json.code === 'rate_limited')));
    assert.deepEqual([...new Set(odd1.map((r) => `${r.status} ${r.json?.code} ${r.json?.message} ${JSON.stringify(r.json?.context ?? r.json?.details)}`))], []);
    const views = await Promise.all(fleet.map((s) => policyView(s, SOL)));
    for (const v of views) assert.equal(v.runtime.sign_counts.per_minute.used, 10);
    const spent = views.map((v) => v.runtime.spend.find((x: { asset: string }) => x.asset === 'native').spent);
    assert.ok(
      spent.every((x) => x === spent[0]),
      `spend differs: ${spent}`,
    );

    // a spend cap: an overlay thrown on A (room for 10 more signatures) leaves room for exactly 5 transfers of ~1 SOL
    const patch = await fleet[0]!.request('PATCH', `/admin/keys/${SOL}/policy`, {
      token: fleet[0]!.adminToken,
      body: { max_signs_per_minute: 20, daily_cap_lamports: String(BigInt(spent[0]) + 5_000_020_000n) },
    });
    assert.equal(patch.status, 200, patch.text);
    for (let i = 0; (await policyView(fleet[2]!, SOL)).runtime.sign_counts.per_minute.limit !== 20; i++) {
      assert.ok(i < 200, 'the overlay did not reach C');
      await sleep(25);
    }
    const second = await batch(300, (i) => 1_000_000_000n + BigInt(i));
    assert.equal(second.filter((r) => r.status === 200).length, 5);
    const odd = second.filter((r) => !(r.status === 200 || (r.status === 429 && r.json.code === 'window_cap_exceeded')));
    assert.deepEqual([...new Set(odd.map((r) => `${r.status} ${r.json?.code} ${r.json?.message} ${JSON.stringify(r.json?.context ?? r.json?.details)}`))], []);
    const after2 = await Promise.all(fleet.map((s) => policyView(s, SOL)));
    for (const v of after2) assert.equal(v.runtime.sign_counts.per_minute.used, 15);
  });

  test('a kill switch thrown on A refuses signatures on B and C (pub/sub, well within a second)', async () => {
    assert.equal((await fleet[0]!.request('POST', `/admin/keys/${SOL}/disable`, { token: fleet[0]!.adminToken })).status, 200);
    for (const s of fleet.slice(1)) {
      for (let i = 0; ; i++) {
        const r = await signSolana(s, solanaBody(from, 7n));
        if (r.json?.code === 'key_disabled') break;
        assert.ok(i < 100, 'the kill switch did not propagate');
        await sleep(20);
      }
    }
    assert.equal((await fleet[2]!.request('POST', `/admin/keys/${SOL}/enable`, { token: fleet[2]!.adminToken })).status, 200);
  });

  test('Redis killed under load: only 503 state_unavailable while it is down; recovery after it returns', async () => {
    const patch = await fleet[1]!.request('PATCH', `/admin/keys/${SOL}/policy`, {
      token: fleet[1]!.adminToken,
      body: { max_signs_per_minute: 100000, daily_cap_lamports: '1000000000000000' },
    });
    assert.equal(patch.status, 200, patch.text);
    await redis.kill();
    const down = await Promise.all(Array.from({ length: 30 }, (_, i) => signSolana(fleet[i % 3]!, solanaBody(from, 50_000n + BigInt(i)))));
    for (const r of down) {
      assert.equal(r.status, 503, r.text);
      assert.equal(r.json.code, 'state_unavailable');
    }
    // reads answer (degraded) while Redis is down
    assert.equal((await fleet[0]!.request('GET', `/policy/${SOL}`, { token: fleet[0]!.signerToken })).status, 200);
    await redis.restart();
    for (const [n, s] of fleet.entries()) {
      for (let i = 0; ; i++) {
        const r = await signSolana(s, solanaBody(from, 60_000n + BigInt(n * 1000 + i)));
        if (r.status === 200) break;
        assert.equal(r.json?.code, 'state_unavailable', r.text);
        assert.ok(i < 300, 'no recovery');
        await sleep(20);
      }
    }
  });
});
