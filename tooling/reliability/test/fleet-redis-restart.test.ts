// 1 (fleet). Redis restarts under load: three `openkms demo` instances in fleet mode behind one Redis, concurrent load
// over every chain spread over them; Redis is SIGKILLed and started again (AOF, same directory) several times. While it
// is down every answer to a request sent after it went down is a 503 with a code (no signature without a reservation:
// never a 200, no hang); once it is back every instance decides again by itself (a signature, or a 429 once a cap is
// reached); at the end the shared counters cover what the clients received, every received signature has its allow
// record, every chain verifies, the caps held.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { redisMissing, startTestRedis, type TestRedis } from '@openkms/tooling/test-helpers';
import type { KeysByLabel, SignRequest } from '../src/chain-requests.js';
import { keysByLabel } from '../src/demo-signer.js';
import { prepareFleet, type FleetDirs } from '../src/fleet-signers.js';
import { assertCountersCover, assertFleetAudited, type ReceivedSignature, laneRequest, receivedSignature } from '../src/fleet-checks.js';
import { createHttpClient, lanes, type HttpClient } from '../src/http-client.js';
import { capsUnderTest } from '../src/caps-under-test.js';

const OUTAGES = Number(process.env.RELIABILITY_REDIS_OUTAGES ?? 3);
const OUTAGE_MS = 3000;
const LANES = 9;
const SOL_SIGNS_PER_DAY = 60;
const EVM_SIGNS_PER_DAY = 60;
const UATOM_WINDOW = 60n * 6000n;

const caps = capsUnderTest({ solSignsPerDay: SOL_SIGNS_PER_DAY, evmSignsPerDay: EVM_SIGNS_PER_DAY, uatomWindow: UATOM_WINDOW });

type Received = ReceivedSignature;

const skip = redisMissing();

describe('fleet: Redis SIGKILLed and restarted under load', { skip: skip ?? false }, () => {
  let redis: TestRedis;
  let fleet: FleetDirs;
  let keys: KeysByLabel;
  const clients = new Map<string, HttpClient>();
  const received: Received[] = [];

  before(async () => {
    redis = await startTestRedis();
    fleet = await prepareFleet({ redisUrl: redis.url, edit: caps, leaseSecs: 30 });
    for (const i of fleet.instances) clients.set(i.id, createHttpClient(i.url, { token: fleet.demo.signerToken, timeoutMs: 15_000 }));
  });
  after(async () => {
    for (const c of clients.values()) c.close();
    await fleet?.close();
    await redis?.close();
  });

  const total = (chain: SignRequest['chain']) => received.filter((r) => r.chain === chain);
  const sum = (rs: Received[]) => rs.reduce((a, r) => a + r.amount, 0n);

  test(
    `${OUTAGES} Redis outages of ${OUTAGE_MS / 1000} s: only 503s with a code while it is down, every instance resumes, counters and caps hold`,
    { timeout: 600_000 },
    async () => {
      const started = performance.now();
      for (const i of fleet.instances) await fleet.start(i);
      keys = await keysByLabel(fleet.instances[0]!.url, fleet.demo.signerToken);

      // the state of Redis as the load sees it: a request sent while `down` must not get a signature
      let down = false;
      let upAt = 0;
      const firstOkAfterUp = new Map<string, number>();
      const outageAnswers: Record<string, number> = {};
      const otherAnswers: Record<string, number> = {};
      const violations: string[] = [];
      let stop = false;
      const load = lanes(LANES, async (lane) => {
        if (stop) return false;
        const { instance, chain, req } = laneRequest(fleet, keys, lane);
        const client = clients.get(instance.id)!;
        const sentDown = down;
        const sentAt = performance.now();
        const res = await client.request('POST', req.path, req.body);
        const json = client.json(res);
        const code = res.status === 0 ? String(res.error) : res.status === 200 ? '200' : `${res.status} ${json?.code}`;
        const answeredDown = down;
        if (sentDown && answeredDown) {
          outageAnswers[code] = (outageAnswers[code] ?? 0) + 1;
          if (res.status !== 503 || typeof json?.code !== 'string')
            violations.push(`${instance.id} ${req.path} during the outage: ${code} ${res.text.slice(0, 200)}`);
        } else {
          otherAnswers[code] = (otherAnswers[code] ?? 0) + 1;
          // around an outage's edges a 503 with a code is honest too; a 429 is a cap reached; anything else is a fault
          if (res.status !== 200 && res.status !== 429 && !(res.status === 503 && typeof json?.code === 'string'))
            violations.push(`${instance.id} ${req.path}: ${code} ${res.text.slice(0, 200)}`);
        }
        if (res.status === 200) {
          if (sentDown) violations.push(`${instance.id} ${req.path}: a signature for a request sent while Redis was down`);
          received.push(receivedSignature(res, json, instance, chain, req));
        }
        // back: a decision made on the shared state again (a signature, or a cap's 429 once the caps are reached)
        if ((res.status === 200 || res.status === 429) && !down && upAt > 0 && sentAt >= upAt && !firstOkAfterUp.has(instance.id))
          firstOkAfterUp.set(instance.id, performance.now() - upAt);
        if (res.status !== 200) await new Promise((r) => setTimeout(r, 5));
        return !stop;
      });

      const recoveries: number[] = [];
      try {
        for (let o = 0; o < OUTAGES; o++) {
          await new Promise((r) => setTimeout(r, 1500));
          await redis.kill();
          down = true;
          await new Promise((r) => setTimeout(r, OUTAGE_MS));
          down = false;
          firstOkAfterUp.clear();
          upAt = performance.now();
          await redis.restart();
          // every instance decides again by itself (no restart of the instances)
          for (let waited = 0; firstOkAfterUp.size < fleet.instances.length; waited += 50) {
            assert.ok(
              waited < 60_000,
              `outage ${o + 1}: instances ${fleet.instances.filter((i) => !firstOkAfterUp.has(i.id)).map((i) => i.id)} did not decide again`,
            );
            await new Promise((r) => setTimeout(r, 50));
          }
          recoveries.push(Math.max(...firstOkAfterUp.values()));
        }
        await new Promise((r) => setTimeout(r, 1500));
      } finally {
        stop = true;
        await load;
      }
      assert.deepEqual(violations, [], 'answers other than a 503 with a code while Redis was down, or faults');
      assert.ok(Object.keys(outageAnswers).length > 0, 'no request was answered during an outage');

      // the shared counters cover what was received (commits that could not land while Redis was down were retried)
      for (const i of fleet.instances) await assertCountersCover(clients.get(i.id)!, i.id, received);
      await assertFleetAudited(fleet, received);
      assert.ok(total('solana').length <= SOL_SIGNS_PER_DAY, `solana: ${total('solana').length} received, cap ${SOL_SIGNS_PER_DAY}/day`);
      assert.ok(total('evm').length <= EVM_SIGNS_PER_DAY, `evm: ${total('evm').length} received, cap ${EVM_SIGNS_PER_DAY}/day`);
      assert.ok(sum(total('cosmos')) <= UATOM_WINDOW, `cosmos: ${sum(total('cosmos'))} uatom received, window cap ${UATOM_WINDOW}`);
      console.log(
        `fleet redis restart: ${OUTAGES} outages of ${OUTAGE_MS} ms in ${Math.round((performance.now() - started) / 1000)} s; answers during outages ${JSON.stringify(outageAnswers)}; ` +
          `other answers ${JSON.stringify(otherAnswers)}; every instance deciding again ${recoveries.map((r) => Math.round(r)).join(', ')} ms after Redis was started again ` +
          `(its start included); received solana ${total('solana').length}/${SOL_SIGNS_PER_DAY}, evm ${total('evm').length}/${EVM_SIGNS_PER_DAY}, cosmos ${sum(total('cosmos'))}/${UATOM_WINDOW} uatom`,
      );
    },
  );
});
