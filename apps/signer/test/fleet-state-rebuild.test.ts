import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRedisClient } from '@openkms/redis-store';
import { redisMissing, startTestRedis, type TestRedis } from '@openkms/tooling/test-helpers';
import type { TestSigner } from './support/test-signer.js';
import { cli } from './support/cli-process.js';
import { metricValue } from './support/metrics.js';
import { postOnce, startTestFleet, type TestFleet } from './support/test-fleet.js';
import { SOL, keyAddress, policyView, solanaBody, withPolicy } from './support/policy-fixtures.js';

const SYSTEM = '11111111111111111111111111111111';
const SOL_1 = 1_000_000_000n;
const skip = redisMissing();

/**
 * Fleet mode (issue 19): the budget gauges show the fleet's counters; `openkms audit verify` checks every instance's
 * chain; a Redis that lost its data is detected (state_lost, no signature) and `openkms state rebuild` puts the
 * counters back from the union of the instances' audit logs.
 */
describe('fleet mode: budget metrics, audit of several instances, lost state and its rebuild', { skip }, () => {
  let redis: TestRedis;
  let testFleet: TestFleet | undefined;
  const fleet: TestSigner[] = [];
  let from = '';
  const ids = ['A', 'B', 'C'];
  const auditDir = (i: number) => join(fleet[i]!.dir, 'audit');

  before(async () => {
    redis = await startTestRedis();
    // room for 6 transfers of 1 SOL (plus their fees) in 24 h
    const policy = `max_signs_per_minute = 1000\nper_tx_cap_lamports = "5000000000"\ndaily_cap_lamports = "6100000000"\nallowed_programs = [{ id = "${SYSTEM}" }]`;
    testFleet = await startTestFleet({ redisUrl: redis.url, ids, config: withPolicy(SOL, policy), keyPrefix: 'rebuild-test:' });
    fleet.push(...testFleet.instances);
    from = await keyAddress(fleet[0]!, SOL);
  });
  after(async () => {
    for (const s of fleet) await s.close().catch(() => undefined);
    await redis?.close();
  });

  test('the budget gauges of every instance show the shared counters (signatures made on A only)', async () => {
    for (let i = 0; i < 4; i++) {
      const r = await postOnce(fleet[0]!, '/sign/solana', solanaBody(from, SOL_1 + BigInt(i)));
      assert.equal(r.status, 200, r.text);
    }
    const spent = BigInt((await policyView(fleet[0]!, SOL)).runtime.spend.find((x: { asset: string }) => x.asset === 'native').spent);
    assert.ok(spent > 4n * SOL_1);
    for (const s of fleet) {
      assert.equal(await metricValue(s, 'openkms_budget_spent', { label: SOL, asset: 'native' }), Number(spent));
      assert.equal(await metricValue(s, 'openkms_budget_remaining', { label: SOL, asset: 'native' }), Number(6_100_000_000n - spent));
    }
  });

  test('openkms audit verify checks each instance chain of a fleet audit dir, one report per instance', async () => {
    // a small transfer signed on B and on C: every chain has an accepted signature
    for (const s of fleet.slice(1)) assert.equal((await postOnce(s, '/sign/solana', solanaBody(from, 5n))).status, 200);
    const all = mkdtempSync(join(tmpdir(), 'openkms-fleet-audit-'));
    try {
      for (const [i, id] of ids.entries()) cpSync(join(auditDir(i), id), join(all, id), { recursive: true });
      const key = fleet[0]!.demo.files.auditKey;
      const ok = await cli(['audit', 'verify', '--dir', all, '--key', key]);
      assert.equal(ok.code, 0, ok.stdout + ok.stderr);
      for (const id of ids) assert.match(ok.stdout, new RegExp(`instance ${id} \\(.*\\): audit log OK: \\d+ records?`));
      assert.match(ok.stdout, /3 audit chains OK/);
      // several instance directories as arguments work too
      const args = await cli(['audit', 'verify', '--key', key, ...ids.map((id) => join(all, id))]);
      assert.equal(args.code, 0, args.stdout + args.stderr);
      assert.match(args.stdout, /3 audit chains OK/);

      // one tampered record in B's chain: B is reported broken, A and C intact, exit 1
      const file = join(all, 'B', 'audit.jsonl');
      const lines = readFileSync(file, 'utf8').split('\n');
      lines[0] = lines[0]!.replace('"decision":"', '"decision":"x');
      writeFileSync(file, lines.join('\n'));
      const broken = await cli(['audit', 'verify', '--dir', all, '--key', key]);
      assert.equal(broken.code, 1, broken.stdout + broken.stderr);
      assert.match(broken.stdout, /instance A \(.*\): audit log OK/);
      assert.match(broken.stdout, /instance B \(.*\): audit log BROKEN/);
      assert.match(broken.stdout, /instance C \(.*\): audit log OK/);
    } finally {
      rmSync(all, { recursive: true, force: true });
    }
  });

  test('Redis loses its data: every instance refuses with 503 state_lost (also after a restart) until openkms state rebuild; then the cap holds in total', async () => {
    const client = createRedisClient({ url: redis.url });
    await client.connect();
    try {
      await client.flushall();
    } finally {
      client.disconnect();
    }
    for (const s of fleet) {
      const r = await postOnce(s, '/sign/solana', solanaBody(from, 7n));
      assert.equal(r.status, 503, r.text);
      assert.equal(r.json.code, 'state_lost');
    }
    // an instance started while the state is lost does not start a new fleet on zero counters
    fleet[2] = await fleet[2]!.restart();
    const c = await postOnce(fleet[2], '/sign/solana', solanaBody(from, 8n));
    assert.equal(c.status, 503, c.text);
    assert.equal(c.json.code, 'state_lost');
    assert.ok(fleet[2].logs.some((l) => l.includes('state_lost')));

    const config = join(fleet[0]!.dir, 'config.toml');
    const rebuilt = await cli(['state', 'rebuild', '--config', config, ...ids.flatMap((_, i) => ['--audit-dir', auditDir(i)])]);
    assert.equal(rebuilt.code, 0, rebuilt.stdout + rebuilt.stderr);
    assert.match(rebuilt.stdout, /instance A \(.*\): 4 accepted signatures/);
    assert.match(rebuilt.stdout, /instance B \(.*\): 1 accepted signature /);
    assert.match(rebuilt.stdout, /rebuilt: 6 signatures from 3 instance logs/);

    // the rebuilt counters agree on every instance, and room for exactly 2 more transfers is left in total
    for (const s of fleet) assert.equal((await policyView(s, SOL)).runtime.sign_counts.per_minute.used, 6);
    const batch = await Promise.all(Array.from({ length: 30 }, (_, i) => postOnce(fleet[i % 3]!, '/sign/solana', solanaBody(from, SOL_1 + 100n + BigInt(i)))));
    assert.equal(batch.filter((r) => r.status === 200).length, 2, JSON.stringify(batch.filter((r) => r.status !== 429).map((r) => r.json)));
    for (const r of batch) if (r.status !== 200) assert.equal(r.json.code, 'window_cap_exceeded', r.text);

    // a second rebuild would count every signature twice: refused while the fleet state is present
    const again = await cli(['state', 'rebuild', '--config', config, '--audit-dir', auditDir(0)]);
    assert.equal(again.code, 1, again.stdout + again.stderr);
    assert.match(again.stderr, /is present/);
  });
});
