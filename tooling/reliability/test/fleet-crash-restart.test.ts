// 1 (fleet). Crash in fleet mode: three `openkms demo` instances with `[state] kind = "redis"` behind one Redis, each on
// its own simulated YubiHSM2, under concurrent load over every chain spread over the instances; random instances are
// SIGKILLed (one, sometimes two at once) and started again on their directory, at least 20 times. After every restart:
// the instance's HMAC chain verifies and the shared counters are not below what the fleet's clients received. At the
// end: every signature a client received has its allow record (same signature hash) in the log of the instance that
// signed it, every instance's chain verifies, every instance reads the same counters, and no cap was exceeded in total.
// A request held for approval on one instance at the start stays pending through every kill (it lives in Redis): every
// restarted instance shows it pending; at the end it is approved on another instance and signed exactly once.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { readAuditRecords } from '@openkms/audit';
import { TokenStore } from '@openkms/signer';
import { redisCommand, redisMissing, startTestRedis, type TestRedis } from '@openkms/tooling/test-helpers';
import {
  ATOM,
  EVM,
  SOL,
  cosmosRequest,
  evmRequest,
  sha256Hex,
  signatureBytes,
  solanaMessage,
  solanaRequest,
  type KeysByLabel,
  type SignRequest,
} from '../src/chain-requests.js';
import { keysByLabel } from '../src/demo-signer.js';
import { auditByRequest, prepareFleet, verifyInstanceChain, type FleetDirs, type FleetInstance } from '../src/fleet-signers.js';
import { createHttpClient, lanes, type HttpClient } from '../src/http-client.js';
import { capsUnderTest } from '../src/caps-under-test.js';
import { seededRandom, suiteSeed } from '../src/seeded-random.js';

const KILLS = Number(process.env.RELIABILITY_FLEET_KILLS ?? 20);
const LANES = 9;
// fleet-wide caps, sized to be reached during the run: two count caps (solana, evm), one spend cap (cosmos)
const SOL_SIGNS_PER_DAY = 400;
const EVM_SIGNS_PER_DAY = 400;
const UATOM_PER_TX = 1000n;
const UATOM_FEE = 5000n;
const UATOM_WINDOW = 400n * (UATOM_PER_TX + UATOM_FEE);
const LAMPORTS_PER_TX = 1_000_000n;
/** Above the approval threshold (2 SOL): held for alice's approval. */
const APPROVAL_LAMPORTS = 3_000_000_000n;

const fleetCaps = capsUnderTest({
  solSignsPerDay: SOL_SIGNS_PER_DAY,
  evmSignsPerDay: EVM_SIGNS_PER_DAY,
  uatomWindow: UATOM_WINDOW,
  solApprovalAbove: 2_000_000_000n,
});

interface Received {
  readonly chain: SignRequest['chain'];
  readonly instance: string;
  readonly requestId: string;
  readonly amount: bigint;
  readonly signatureSha256: string | undefined;
  readonly kill: number;
}

const skip = redisMissing();

describe('fleet crash: SIGKILL random instances of three behind one Redis under load, restart them', { skip: skip ?? false }, () => {
  const seed = suiteSeed();
  const rand = seededRandom(seed);
  let redis: TestRedis;
  let fleet: FleetDirs;
  let keys: KeysByLabel;
  const clients = new Map<string, HttpClient>();
  const received: Received[] = [];
  const statuses: Record<string, number> = {};
  const startMs: number[] = [];
  /** GET /policy answers below what was received (an instance's Redis read timed out: it showed its last read). */
  let degradedViews = 0;
  /** alice's token (approve:solana-hot-0), on every instance. */
  let alice: string;
  /** The request held for approval, and the instance that held it. */
  let approvalId: string | undefined;
  let heldOn: FleetInstance | undefined;
  let pendingChecks = 0;

  before(async () => {
    console.log(`fleet crash seed ${seed} (RELIABILITY_SEED=${seed} reproduces the kill schedule)`);
    redis = await startTestRedis();
    fleet = await prepareFleet({ redisUrl: redis.url, edit: fleetCaps, leaseSecs: 15 });
    for (const i of fleet.instances) clients.set(i.id, createHttpClient(i.url, { token: fleet.demo.signerToken, timeoutMs: 30_000 }));
    const [first, ...others] = fleet.instances;
    alice = TokenStore.load(join(first!.dir, 'tokens.json')).create('alice', [`approve:${SOL}`]);
    for (const i of others) copyFileSync(join(first!.dir, 'tokens.json'), join(i.dir, 'tokens.json'));
  });
  after(async () => {
    for (const c of clients.values()) c.close();
    await fleet?.close();
    await redis?.close();
  });

  const total = (chain: SignRequest['chain']) => received.filter((r) => r.chain === chain);
  const sum = (rs: Received[]) => rs.reduce((a, r) => a + r.amount, 0n);

  /** The shared counters as stored in Redis (the sorted sets of the fleet's layout, see redis-store's lua-scripts.ts). */
  async function storedCounters(): Promise<{ sol: number; evm: number; uatom: bigint }> {
    const k = (label: string) => `reliability:k:${label}:`;
    const sol = Number(await redisCommand(redis.port, ['ZCARD', `${k(SOL)}signs`]));
    const evm = Number(await redisCommand(redis.port, ['ZCARD', `${k(EVM)}signs`]));
    const members = (await redisCommand(redis.port, ['ZRANGE', `${k(ATOM)}a:denom:uatom`, '0', '-1'])) as string[];
    return { sol, evm, uatom: members.reduce((a, m) => a + BigInt(m.slice(m.lastIndexOf('|') + 1)), 0n) };
  }

  /**
   * The shared counters, in Redis and as `instance` shows them (GET /policy), are not below what the fleet's clients
   * received. An instance whose read of Redis timed out shows its last read (or empty windows when it has read none
   * yet): its view is read again a few times before it counts as below.
   */
  async function countersCover(instance: FleetInstance, when: string): Promise<{ sol: number; evm: number; uatom: bigint }> {
    const client = clients.get(instance.id)!;
    // what was received before the reads (a signature received later may be counted already: never fewer)
    const [sol0, evm0, atom0] = [total('solana').length, total('evm').length, sum(total('cosmos'))];
    const stored = await storedCounters();
    assert.ok(stored.sol >= sol0, `${when}: solana count ${stored.sol} in Redis below ${sol0} received`);
    assert.ok(stored.evm >= evm0, `${when}: evm count ${stored.evm} in Redis below ${evm0} received`);
    assert.ok(stored.uatom >= atom0, `${when}: uatom spent ${stored.uatom} in Redis below ${atom0} received`);
    const view = async (label: string) => {
      const res = await client.request('GET', `/policy/${label}`);
      assert.equal(res.status, 200, `${when}: GET /policy/${label} on ${instance.id}: ${res.status === 0 ? res.detail : res.text}`);
      return client.json(res).runtime;
    };
    for (let attempt = 0; ; attempt++) {
      const [sol, atom, evm] = [await view(SOL), await view(ATOM), await view(EVM)];
      const uatom = BigInt(atom.spend.find((x: { asset: string }) => x.asset === 'denom:uatom')?.spent ?? '0');
      const shown = { sol: sol.sign_counts.per_day.used as number, evm: evm.sign_counts.per_day.used as number, uatom };
      if (shown.sol >= sol0 && shown.evm >= evm0 && shown.uatom >= atom0) return shown;
      degradedViews++;
      assert.ok(
        attempt < 20,
        `${when}: ${instance.id} shows counters below what was received: ${JSON.stringify({ ...shown, uatom: String(uatom) })} < solana ${sol0}, evm ${evm0}, uatom ${atom0}`,
      );
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  test(
    `${KILLS} SIGKILLs of random instances under load; chains and shared counters hold after each restart; caps hold across the fleet`,
    { timeout: 900_000 },
    async () => {
      const started = performance.now();
      await Promise.all(fleet.instances.map((i) => fleet.start(i)));
      keys = await keysByLabel(fleet.instances[0]!.url, fleet.demo.signerToken);
      heldOn = fleet.instances[Math.floor(rand() * fleet.instances.length)]!;
      const heldClient = clients.get(heldOn.id)!;
      const held = await heldClient.request(
        'POST',
        '/sign/solana',
        solanaRequest(keys, APPROVAL_LAMPORTS, solanaMessage(keys[SOL]!.address, [{ lamports: APPROVAL_LAMPORTS }])).body,
      );
      assert.equal(held.status, 202, held.status === 0 ? held.detail : held.text);
      approvalId = heldClient.json(held).approval_id as string;
      let kills = 0;
      let stop = false;
      const up = () => fleet.instances.filter((i) => i.process !== undefined);

      // load over every chain, each request to a random instance that is up
      const load = lanes(LANES, async (lane) => {
        if (stop) return false;
        const live = up();
        if (live.length === 0) {
          await new Promise((r) => setTimeout(r, 20));
          return true;
        }
        const instance = live[Math.floor(Math.random() * live.length)]!;
        const client = clients.get(instance.id)!;
        const chain = (['solana', 'cosmos', 'evm'] as const)[lane % 3]!;
        const req = chain === 'solana' ? solanaRequest(keys, LAMPORTS_PER_TX) : chain === 'cosmos' ? cosmosRequest(keys, UATOM_PER_TX) : evmRequest(1000n);
        const res = await client.request('POST', req.path, req.body);
        const code = res.status === 0 ? String(res.error) : res.status === 200 ? '200' : `${res.status} ${client.json(res)?.code}`;
        statuses[code] = (statuses[code] ?? 0) + 1;
        if (res.status === 200) {
          const sig = signatureBytes(client.json(res));
          received.push({
            chain,
            instance: instance.id,
            requestId: String(res.headers['x-request-id']),
            amount: req.amount,
            signatureSha256: sig && sha256Hex(sig),
            kill: kills,
          });
        } else if (res.status === 503 && typeof client.json(res)?.code === 'string') {
          // an honest "not now" (overloaded, deadline_exceeded while the machine is busy): nothing was signed
        } else if (res.status === 0) {
          await new Promise((r) => setTimeout(r, 10)); // the instance died under this request: no answer, try another
        } else if (res.status !== 429 && res.status !== 403) {
          assert.fail(`${req.path} on ${instance.id}: unexpected ${res.status} ${res.text}`);
        }
        return !stop;
      });

      // an instance killed is started again in the background while the others carry the load; before it serves, its
      // chain must verify and the shared counters it reads must cover what was received
      const restarts = new Set<Promise<void>>();
      const restartErrors: unknown[] = [];
      const restart = (v: FleetInstance, kill: number) => {
        const t0 = performance.now();
        const run = fleet
          .start(v, async () => {
            startMs.push(performance.now() - t0);
            await verifyInstanceChain(v, join(fleet.demo.dir, 'audit.key'), `after restart (kill ${kill})`);
            await countersCover(v, `after the restart of ${v.id} (kill ${kill})`);
            const poll = await clients.get(v.id)!.request('GET', `/approvals/${approvalId}`);
            assert.equal(poll.status, 202, `after the restart of ${v.id} (kill ${kill}): approval ${poll.status === 0 ? poll.detail : poll.text}`);
            pendingChecks++;
          })
          .then(
            () => undefined,
            (err: unknown) => void restartErrors.push(err),
          );
        restarts.add(run);
        void run.finally(() => restarts.delete(run));
      };
      try {
        while (kills < KILLS && restartErrors.length === 0) {
          await new Promise((r) => setTimeout(r, 300 + rand() * 1200));
          // one instance, or one time in five two at once; one always stays up
          const live = up();
          if (live.length < 2) {
            await Promise.race(restarts);
            continue;
          }
          const n = rand() < 0.2 && live.length >= 3 ? 2 : 1;
          const victims: FleetInstance[] = [];
          for (let k = 0; k < n; k++) {
            const pool = live.filter((i) => !victims.includes(i));
            victims.push(pool[Math.floor(rand() * pool.length)]!);
          }
          for (const v of victims) await fleet.kill(v);
          kills += victims.length;
          for (const v of victims) restart(v, kills);
        }
        await Promise.all(restarts);
      } finally {
        stop = true;
        await load;
      }
      if (restartErrors.length > 0) throw restartErrors[0];

      // every instance reads the same shared counters, and they cover what was received
      const views = [];
      for (const i of fleet.instances) views.push(await countersCover(i, 'at the end'));
      for (const v of views.slice(1)) assert.deepEqual(v, views[0], 'the instances read different counters');

      // the held request, still pending after every kill, is approved on another instance and polled on a third
      const [approver, poller] = [...fleet.instances.filter((i) => i !== heldOn), heldOn!];
      const approved = await clients
        .get(approver!.id)!
        .request('POST', `/admin/approvals/${approvalId}/approve`, undefined, { authorization: `Bearer ${alice}` });
      assert.equal(approved.status, 200, approved.status === 0 ? approved.detail : approved.text);
      const answers = [];
      for (const i of [poller!, heldOn!]) {
        const got = await clients.get(i.id)!.request('GET', `/approvals/${approvalId}`);
        assert.equal(got.status, 200, `the approved request polled on ${i.id}: ${got.status === 0 ? got.detail : got.text}`);
        answers.push(signatureBytes(clients.get(i.id)!.json(got)));
      }
      assert.ok(answers[0] !== undefined && Buffer.from(answers[0]).equals(Buffer.from(answers[1]!)), 'the same signature from every instance');
      const approvedSha = sha256Hex(answers[0]!);

      // clean stops; then every chain verifies and every received signature has its record where it was signed
      for (const i of fleet.instances) {
        const p = i.process!;
        i.process = undefined;
        assert.equal(await p.stop(), 0, `clean stop of ${i.id}`);
      }
      const allows = new Map<string, number>();
      let approvedRecords = 0;
      const missing: Received[] = [];
      const mismatched: Received[] = [];
      for (const i of fleet.instances) {
        const files = await verifyInstanceChain(i, join(fleet.demo.dir, 'audit.key'), 'at the end');
        assert.ok(files > 0, `instance ${i.id} wrote no audit log`);
        const records = await auditByRequest(i);
        let n = 0;
        for (const r of records.values()) if (r.decision === 'allow') n++;
        for await (const r of readAuditRecords(i.auditDir)) if (r.decision === 'allow' && r.signature_sha256 === approvedSha) approvedRecords++;
        allows.set(i.id, n);
        for (const r of received.filter((x) => x.instance === i.id)) {
          const rec = records.get(r.requestId);
          if (rec?.decision !== 'allow') missing.push(r);
          else if (r.signatureSha256 !== undefined && rec.signature_sha256 !== r.signatureSha256) mismatched.push(r);
        }
      }
      assert.deepEqual(missing, [], 'signatures without an allow record in the signing instance’s log');
      assert.deepEqual(mismatched, [], 'allow records whose signature hash differs from the signature received');
      assert.equal(approvedRecords, 1, 'the approved request was signed (and audited) exactly once in the fleet');

      // caps held across the fleet and across every crash
      const sol = total('solana').length + 1; // + the approved transfer
      assert.ok(sol <= SOL_SIGNS_PER_DAY, `solana: ${sol} signatures received, cap ${SOL_SIGNS_PER_DAY}/day`);
      assert.ok(total('evm').length <= EVM_SIGNS_PER_DAY, `evm: ${total('evm').length} signatures received, cap ${EVM_SIGNS_PER_DAY}/day`);
      assert.ok(sum(total('cosmos')) <= UATOM_WINDOW, `cosmos: ${sum(total('cosmos'))} uatom signed with fees, window cap ${UATOM_WINDOW}`);
      const byInstance = Object.fromEntries(fleet.instances.map((i) => [i.id, received.filter((r) => r.instance === i.id).length]));
      console.log(
        `fleet crash: ${kills} kills in ${Math.round((performance.now() - started) / 1000)} s; answers ${JSON.stringify(statuses)}; ` +
          `received solana ${total('solana').length}/${SOL_SIGNS_PER_DAY}, evm ${total('evm').length}/${EVM_SIGNS_PER_DAY}, ` +
          `cosmos ${sum(total('cosmos'))}/${UATOM_WINDOW} uatom; by instance ${JSON.stringify(byInstance)}; allow records ${JSON.stringify(Object.fromEntries(allows))} ` +
          `(${received.length} received; records beyond that: signed, audited, never delivered); shared counters at the end ${JSON.stringify(views[0], (_k, v) => (typeof v === 'bigint' ? String(v) : v))}; ` +
          `GET /policy answers read again because they showed less than was received: ${degradedViews}; ` +
          `approval held on ${heldOn!.id}, pending after ${pendingChecks} restarts, approved on ${approver!.id}, signed once; ` +
          `restarts ${Math.round(Math.min(...startMs))}–${Math.round(Math.max(...startMs))} ms; caps reached at kill: solana ${capKill(received, 'solana', SOL_SIGNS_PER_DAY)}, ` +
          `evm ${capKill(received, 'evm', EVM_SIGNS_PER_DAY)}, cosmos ${capKill(received, 'cosmos', Number(UATOM_WINDOW / (UATOM_PER_TX + UATOM_FEE)))}`,
      );
    },
  );
});

function capKill(received: Received[], chain: string, n: number): number | 'not reached' {
  const rs = received.filter((r) => r.chain === chain);
  return rs.length >= n ? rs[n - 1]!.kill : 'not reached';
}
