// 1 (fleet). A network partition of one instance: three `openkms demo` instances in fleet mode, C reaching Redis
// through a relay that the test cuts (connections reset, new ones refused) while A and B keep their direct connection.
// Under load over every chain spread over the three: while C is cut off, every answer C gives to a request sent after
// the cut is a 503 with a code and never a signature, while A and B keep deciding (signatures, or 429 once a cap is
// reached) as if nothing happened; once the relay is healed C decides again by itself. At the end the shared counters
// cover what was received on every instance, every received signature has its allow record where it was signed, the
// chains verify, and the caps held across the fleet.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { redisMissing, startTestRedis, type TestRedis } from '@openkms/tooling/test-helpers';
import type { KeysByLabel } from '../src/chain-requests.js';
import { keysByLabel } from '../src/demo-signer.js';
import { prepareFleet, type FleetDirs } from '../src/fleet-signers.js';
import { assertCountersCover, assertFleetAudited, receivedTotals, type ReceivedSignature, laneRequest, receivedSignature } from '../src/fleet-checks.js';
import { createHttpClient, lanes, type HttpClient } from '../src/http-client.js';
import { capsUnderTest } from '../src/caps-under-test.js';
import { startTcpProxy, type TcpProxy } from '../src/tcp-proxy.js';

const PARTITIONS = Number(process.env.RELIABILITY_PARTITIONS ?? 2);
const PARTITION_MS = 4000;
const LANES = 9;
const SOL_SIGNS_PER_DAY = 500;
const EVM_SIGNS_PER_DAY = 500;
const UATOM_WINDOW = 500n * 6000n;
const CUT = 'C';

const skip = redisMissing();

describe('fleet: one instance cut off from Redis under load', { skip: skip ?? false }, () => {
  let redis: TestRedis;
  let relay: TcpProxy;
  let fleet: FleetDirs;
  let keys: KeysByLabel;
  const clients = new Map<string, HttpClient>();
  const received: ReceivedSignature[] = [];

  before(async () => {
    redis = await startTestRedis();
    relay = await startTcpProxy(redis.port);
    fleet = await prepareFleet({
      redisUrl: redis.url,
      redisUrlFor: (id) => (id === CUT ? `redis://127.0.0.1:${relay.port}` : redis.url),
      edit: capsUnderTest({ solSignsPerDay: SOL_SIGNS_PER_DAY, evmSignsPerDay: EVM_SIGNS_PER_DAY, uatomWindow: UATOM_WINDOW }),
      leaseSecs: 30,
      keyPrefix: 'partition:',
    });
    for (const i of fleet.instances) clients.set(i.id, createHttpClient(i.url, { token: fleet.demo.signerToken, timeoutMs: 15_000 }));
  });
  after(async () => {
    for (const c of clients.values()) c.close();
    await fleet?.close();
    await relay?.close();
    await redis?.close();
  });

  test(
    `${PARTITIONS} partitions of ${PARTITION_MS / 1000} s: only the cut instance refuses, it resumes after, counters and caps hold`,
    { timeout: 600_000 },
    async () => {
      const started = performance.now();
      await Promise.all(fleet.instances.map((i) => fleet.start(i)));
      keys = await keysByLabel(fleet.instances[0]!.url, fleet.demo.signerToken);

      let cut = false;
      let healedAt = 0;
      let resumedAfter: number | undefined;
      const duringCut: Record<string, Record<string, number>> = {};
      const otherwise: Record<string, Record<string, number>> = {};
      const violations: string[] = [];
      let stop = false;
      const load = lanes(LANES, async (lane) => {
        if (stop) return false;
        const { instance, chain, req } = laneRequest(fleet, keys, lane);
        const client = clients.get(instance.id)!;
        const sentCut = cut;
        const sentAt = performance.now();
        const res = await client.request('POST', req.path, req.body);
        const json = client.json(res);
        const code = res.status === 0 ? String(res.error) : res.status === 200 ? '200' : `${res.status} ${json?.code}`;
        const inCut = sentCut && cut;
        const row = ((inCut ? duringCut : otherwise)[instance.id] ??= {});
        row[code] = (row[code] ?? 0) + 1;
        const honest503 = res.status === 503 && typeof json?.code === 'string';
        if (inCut && instance.id === CUT) {
          if (!honest503) violations.push(`${CUT} while cut off: ${code} ${res.text.slice(0, 200)}`);
        } else if (inCut) {
          // A and B are not affected by C's partition: they decide as usual
          if (res.status !== 200 && res.status !== 429) violations.push(`${instance.id} during ${CUT}'s partition: ${code} ${res.text.slice(0, 200)}`);
        } else if (res.status !== 200 && res.status !== 429 && !(instance.id === CUT && honest503)) {
          violations.push(`${instance.id}: ${code} ${res.text.slice(0, 200)}`);
        }
        if (res.status === 200) {
          if (sentCut && instance.id === CUT) violations.push(`${CUT}: a signature for a request sent while it was cut off`);
          received.push(receivedSignature(res, json, instance, chain, req));
        }
        if (instance.id === CUT && !cut && healedAt > 0 && sentAt >= healedAt && resumedAfter === undefined && (res.status === 200 || res.status === 429))
          resumedAfter = performance.now() - healedAt;
        if (res.status !== 200) await new Promise((r) => setTimeout(r, 5));
        return !stop;
      });

      const resumed: number[] = [];
      try {
        for (let p = 0; p < PARTITIONS; p++) {
          await new Promise((r) => setTimeout(r, 1500));
          relay.cut();
          cut = true;
          await new Promise((r) => setTimeout(r, PARTITION_MS));
          cut = false;
          resumedAfter = undefined;
          healedAt = performance.now();
          relay.heal();
          for (let waited = 0; resumedAfter === undefined; waited += 50) {
            assert.ok(waited < 30_000, `partition ${p + 1}: ${CUT} did not decide again within 30 s of the heal`);
            await new Promise((r) => setTimeout(r, 50));
          }
          resumed.push(resumedAfter);
        }
        await new Promise((r) => setTimeout(r, 1000));
      } finally {
        stop = true;
        await load;
      }
      assert.deepEqual(violations, [], 'answers other than a 503 with a code from the cut-off instance, or A and B affected');
      assert.ok(Object.values(duringCut[CUT] ?? {}).reduce((a, b) => a + b, 0) > 0, `${CUT} answered nothing while cut off`);
      const decided = (id: string) => Object.entries(duringCut[id] ?? {}).reduce((a, [code, n]) => a + (/^(200|429)/.test(code) ? n : 0), 0);
      for (const id of ['A', 'B']) assert.ok(decided(id) > 0, `${id} decided nothing during the cuts`);

      for (const i of fleet.instances) await assertCountersCover(clients.get(i.id)!, i.id, received);
      await assertFleetAudited(fleet, received);
      const got = receivedTotals(received);
      assert.ok(got.solana <= SOL_SIGNS_PER_DAY, `solana: ${got.solana} received, cap ${SOL_SIGNS_PER_DAY}/day`);
      assert.ok(got.evm <= EVM_SIGNS_PER_DAY, `evm: ${got.evm} received, cap ${EVM_SIGNS_PER_DAY}/day`);
      assert.ok(got.uatom <= UATOM_WINDOW, `cosmos: ${got.uatom} uatom received, window cap ${UATOM_WINDOW}`);
      console.log(
        `fleet partition: ${PARTITIONS} cuts of ${CUT} for ${PARTITION_MS} ms in ${Math.round((performance.now() - started) / 1000)} s; ` +
          `answers during the cuts ${JSON.stringify(duringCut)}; otherwise ${JSON.stringify(otherwise)}; ` +
          `${CUT} deciding again ${resumed.map((r) => Math.round(r)).join(', ')} ms after the heal; ` +
          `received solana ${got.solana}/${SOL_SIGNS_PER_DAY}, evm ${got.evm}/${EVM_SIGNS_PER_DAY}, cosmos ${got.uatom}/${UATOM_WINDOW} uatom`,
      );
    },
  );
});
