// 1 (fleet). The replay join across instances under crashes: three `openkms demo` instances in fleet mode on one Redis,
// each on a simulated YubiHSM2 with the device's real latency (`--latency realistic`: ~105 ms an Ed25519 signature).
// Every round sends the SAME signing request (the same label and signed bytes: the same replay key) to two instances
// at once; the instance whose claim on those bytes shows up in Redis is SIGKILLed (even rounds: at a random moment
// within the device time; odd rounds: as soon as its allow record is in its log, before its result reaches Redis),
// and started again in the background. Later, still before a dead claimant's lease (its request's deadline
// + 2 s) lapses, the same bytes go to both surviving instances: they wait on the claim and are answered once it lapses
// (a fresh decision) or by a replay. Checked per round: every answer comes within its deadline plus the claim's grace
// (no hang); answers are 200, or 503 `deadline_exceeded` for a waiter whose deadline ends before the dead claimant's
// lease; every 200 carries the same signature. At the end: every signature a client received has its allow record,
// or a replay record of an allowed one (same signature hash); every signing of the bytes has its allow record with the
// same signature; the counters (in Redis and as every instance shows them) cover the distinct signatures received and
// never exceed the allow records; the HMAC chains verify after every restart and at the end.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ACTIVE_FILE_NAME } from '@openkms/audit';
import { redisCommand, redisMissing, startTestRedis, type TestRedis } from '@openkms/tooling/test-helpers';
import { SOL, sha256Hex, solanaRequest, type KeysByLabel } from '../src/chain-requests.js';
import { keysByLabel, pipe } from '../src/demo-signer.js';
import { prepareFleet, verifyInstanceChain, type FleetDirs, type FleetInstance } from '../src/fleet-signers.js';
import { assertCountersCover, assertFleetAudited, receivedSignature, type ReceivedSignature } from '../src/fleet-checks.js';
import { createHttpClient, type HttpClient, type HttpResult } from '../src/http-client.js';
import { capsUnderTest } from '../src/caps-under-test.js';
import { seededRandom, suiteSeed } from '../src/seeded-random.js';

const ROUNDS = Number(process.env.RELIABILITY_REPLAY_CRASHES ?? 10);
/** `[server] request_timeout_ms`: every request's deadline. */
const REQUEST_TIMEOUT_MS = 4000;
/** RedisReplayStore's claim grace (its default): a claim's lease is its request's remaining time plus this. */
const CLAIM_GRACE_MS = 2000;
/** When the late copies are sent: past the grace, so their deadline outlives a dead claimant's lease by ~2 s. */
const LATE_AFTER_MS = 4000;
/** The kill falls within this long after the claim shows up: the device's ~105 ms, the audit write, the result's store. */
const DEVICE_WINDOW_MS = 200;
/**
 * No answer may take longer: a request never waits past its own deadline, the claimant's audit write may run up to
 * the grace past it, plus 3 s for scheduling on the shared, loaded machine. A hang shows as a client timeout beyond.
 */
const ANSWER_BOUND_MS = REQUEST_TIMEOUT_MS + CLAIM_GRACE_MS + 3000;
/** `reservation_lease_secs`: a killed instance's pending reservation lapses after this. */
const LEASE_SECS = 6;
const PREFIX = 'replay-crash:';
/**
 * The only refusal a round may see: a waiter whose deadline ends before the dead claimant's lease lapses (the other
 * copy of the pair, sent at the same moment, always does) gets 503 `deadline_exceeded` and may retry. Redis stays up,
 * so `state_unavailable` is not legitimate here; neither is any 4xx (the request is valid and within every cap).
 */
const LEGIT_REFUSALS = new Set(['deadline_exceeded']);

const skip = redisMissing();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Answer {
  readonly round: number;
  readonly role: 'pair' | 'late';
  readonly instance: FleetInstance;
  readonly res: HttpResult;
  readonly json: any;
  readonly answeredAt: number;
}

describe('fleet: the same bytes to two instances while the claimant is killed', { skip: skip ?? false }, () => {
  let redis: TestRedis;
  let fleet: FleetDirs;
  let keys: KeysByLabel;
  const clients = new Map<string, HttpClient>();
  const received: ReceivedSignature[] = [];

  before(async () => {
    redis = await startTestRedis();
    fleet = await prepareFleet({
      redisUrl: redis.url,
      edit: pipe(capsUnderTest({ solSignsPerDay: 100_000, evmSignsPerDay: 100_000, uatomWindow: 10n ** 12n }), (t) =>
        t.replace('[server]\n', `[server]\nrequest_timeout_ms = ${REQUEST_TIMEOUT_MS}\n`),
      ),
      leaseSecs: LEASE_SECS,
      keyPrefix: PREFIX,
      demoArgs: ['--latency', 'realistic'],
    });
    for (const i of fleet.instances) clients.set(i.id, createHttpClient(i.url, { token: fleet.demo.signerToken, timeoutMs: ANSWER_BOUND_MS + 20_000 }));
  });
  after(async () => {
    for (const c of clients.values()) c.close();
    await fleet?.close();
    await redis?.close();
  });

  test(
    `${ROUNDS} rounds: one claimant killed within the device time; no hang, one signature, every one audited and counted`,
    { timeout: 600_000 },
    async () => {
      const seed = suiteSeed();
      console.log(`# fleet replay crash: seed ${seed} (RELIABILITY_SEED=${seed} reproduces the kill moments)`);
      const rand = seededRandom(seed);
      const started = performance.now();
      await Promise.all(fleet.instances.map((i) => fleet.start(i)));
      keys = await keysByLabel(fleet.instances[0]!.url, fleet.demo.signerToken);
      const auditKey = join(fleet.demo.dir, 'audit.key');
      // an instance's first request opens its device session and resolves the key (seconds at the device's latency):
      // one request of other bytes warms each instance, at the start and after every restart, so a round's copies race
      const warmUp = async (instance: FleetInstance) => {
        const client = clients.get(instance.id)!;
        for (let attempt = 1; ; attempt++) {
          const req = solanaRequest(keys, 999n);
          const res = await client.request('POST', req.path, req.body);
          if (res.status === 200) return void received.push(receivedSignature(res, client.json(res), instance, 'solana', req));
          // a cold instance on the loaded machine may run past its deadline: tried again
          assert.ok(
            res.status === 503 && client.json(res)?.code === 'deadline_exceeded' && attempt < 10,
            `warm-up on ${instance.id}: ${res.status} ${res.text.slice(0, 200)}`,
          );
        }
      };
      await Promise.all(fleet.instances.map(warmUp));

      const answers: Answer[] = [];
      const violations: string[] = [];
      const digests: string[] = [];
      const signatureOfRound: (string | undefined)[] = [];
      /** Rounds whose claim was still the dead instance's after the kill, with how long the late copies waited. */
      const orphaned: {
        round: number;
        mode: 'device' | 'allow';
        killMs: number;
        sinceClaimMs: number;
        answeredAfterKillMs: number[];
        lateWaitedMs: number[];
      }[] = [];
      const roundMs: number[] = [];
      let lastKilledAt = 0;
      const restarts: number[] = [];

      for (let round = 0; round < ROUNDS; round++) {
        const roundStart = performance.now();
        const [first, second] = [fleet.instances[round % 3]!, fleet.instances[(round + 1) % 3]!];
        const req = solanaRequest(keys, 1_000_000n + BigInt(round));
        const digest = sha256Hex(req.signed!);
        digests.push(digest);
        const key = `${PREFIX}replay:${SOL}:${digest}`;
        const send = async (instance: FleetInstance, role: Answer['role']): Promise<Answer> => {
          const client = clients.get(instance.id)!;
          const res = await client.request('POST', req.path, req.body);
          return { round, role, instance, res, json: client.json(res), answeredAt: performance.now() };
        };
        const t0 = performance.now();
        const sent = [send(first, 'pair'), send(second, 'pair')];

        // the claimant: the instance whose claim `c:<instance>.<uuid>` shows up first under the bytes' replay key
        let value: string | null = null;
        while (value === null && performance.now() - t0 < REQUEST_TIMEOUT_MS) {
          value = (await redisCommand(redis.port, ['GET', key])) as string | null;
          if (value === null) await sleep(1);
        }
        assert.ok(value !== null, `round ${round}: neither a claim nor a result under ${key} within the deadline`);
        const claimSeenAt = performance.now();
        const claimant = value.startsWith('c:') ? value.slice(2, value.indexOf('.')) : first.id;
        const victim = fleet.instances.find((i) => i.id === claimant)!;
        // Even rounds kill at a random moment within the device time (the first at once: the claimant surely dies
        // holding the claim, so the takeover is always exercised); odd rounds as soon as the claimant's allow record is
        // in its log, aiming at the few milliseconds before its result reaches Redis (then the bytes are signed again)
        const delay = rand() * DEVICE_WINDOW_MS;
        const mode = round % 2 === 0 ? 'device' : 'allow';
        if (mode === 'allow') await allowRecordIn(victim, digest, t0 + REQUEST_TIMEOUT_MS);
        else await sleep(round === 0 ? 0 : delay);
        await fleet.kill(victim);
        const killedAt = performance.now();
        lastKilledAt = killedAt;
        const afterKill = (await redisCommand(redis.port, ['GET', key])) as string | null;
        const orphan = afterKill !== null && afterKill.startsWith(`c:${victim.id}.`);

        // started again in the background: before it serves, its chain verifies and its counters cover what was received
        const restartStart = performance.now();
        const restarted = fleet
          .start(victim, async () => {
            await verifyInstanceChain(victim, auditKey, `after its kill in round ${round}`);
            await assertCountersCover(clients.get(victim.id)!, victim.id, distinctSignatures(received));
          })
          .then(() => restarts.push(performance.now() - restartStart));

        // the same bytes to both survivors, still inside a dead claimant's lease: they wait, then decide or replay
        await sleep(Math.max(0, t0 + LATE_AFTER_MS - performance.now()));
        const survivors = fleet.instances.filter((i) => i !== victim);
        sent.push(...survivors.map((i) => send(i, 'late')));
        const got = await Promise.all(sent);
        await restarted;
        await warmUp(victim);
        answers.push(...got);

        const signatures = new Set<string>();
        for (const a of got) {
          const { res, json } = a;
          const what = `round ${round}, ${a.role} copy on ${a.instance.id}${a.instance === victim ? ' (killed)' : ''}`;
          if (res.status === 0 && res.error === 'timeout') violations.push(`${what}: no answer (${res.detail})`);
          else if (res.ms > ANSWER_BOUND_MS) violations.push(`${what}: answered after ${Math.round(res.ms)} ms (bound ${ANSWER_BOUND_MS} ms)`);
          if (res.status === 0) {
            // the killed instance's own request dies with it (no answer is an answer the client must retry)
            if (a.instance !== victim) violations.push(`${what}: ${res.error} ${res.detail}`);
          } else if (res.status === 200) {
            const r = receivedSignature(res, json, a.instance, 'solana', req);
            if (r.signatureSha256 === undefined) violations.push(`${what}: a 200 without a signature: ${res.text.slice(0, 200)}`);
            else signatures.add(r.signatureSha256);
            received.push(r);
          } else if (!(res.status === 503 && LEGIT_REFUSALS.has(json?.code))) {
            violations.push(`${what}: ${res.status} ${res.text.slice(0, 200)}`);
          }
          // a late copy's deadline outlives any claim of the pair: it is answered with the signature, never refused
          if (a.role === 'late' && res.status !== 200)
            violations.push(`${what}: the late copy was not answered with the signature (${res.status} ${json?.code})`);
        }
        if (signatures.size > 1) violations.push(`round ${round}: ${signatures.size} different signatures for the same bytes`);
        signatureOfRound.push([...signatures][0]);
        if (orphan) {
          const late = got.filter((a) => a.role === 'late');
          orphaned.push({
            round,
            mode,
            killMs: Math.round(killedAt - t0),
            sinceClaimMs: Math.round(killedAt - claimSeenAt),
            answeredAfterKillMs: late.map((a) => Math.round(a.answeredAt - killedAt)),
            lateWaitedMs: late.map((a) => Math.round(a.res.ms)),
          });
        }
        roundMs.push(performance.now() - roundStart);
      }
      assert.deepEqual(violations, [], 'hangs, illegitimate answers, or different signatures for the same bytes');
      assert.ok(orphaned.length > 0, 'no round killed the claimant while it held the claim: the takeover was not exercised');

      // the counters: in Redis (the Solana count set) and as every instance shows them, after killed requests' leases lapsed
      await sleep(Math.max(0, lastKilledAt + LEASE_SECS * 1000 + 500 - performance.now()));
      const distinct = distinctSignatures(received);
      const inRedis = Number(await redisCommand(redis.port, ['ZCARD', `${PREFIX}k:${SOL}:signs`]));
      assert.ok(inRedis >= distinct.length, `Redis counts ${inRedis} Solana signatures, below the ${distinct.length} distinct ones received`);
      const used: number[] = [];
      for (const i of fleet.instances) {
        const client = clients.get(i.id)!;
        await assertCountersCover(client, i.id, distinct);
        used.push(client.json(await client.request('GET', `/policy/${SOL}`)).runtime.sign_counts.per_day.used);
      }

      // chains, and every received signature's record (allow, or a replay of an allowed signature)
      const logs = await assertFleetAudited(fleet, received);
      const records = [...logs.entries()].flatMap(([id, m]) => [...m.values()].map((r) => ({ ...r, instance: id })));
      const allows = records.filter((r) => r.label === SOL && r.decision === 'allow');
      // the budget: every count is a signing with its allow record (never a count, or a signature, from nowhere)
      for (const [n, id] of used.map((u, k) => [u, fleet.instances[k]!.id] as const))
        assert.ok(n <= allows.length, `${id} shows ${n} Solana signatures counted, more than the ${allows.length} allow records`);
      assert.ok(inRedis <= allows.length, `Redis counts ${inRedis} Solana signatures, more than the ${allows.length} allow records`);
      // per round: every signing of the bytes is an allow record with the one signature the clients received
      const signings: number[] = [];
      digests.forEach((digest, round) => {
        const mine = allows.filter((r) => r.signed_sha256 === digest);
        signings.push(mine.length);
        const want = signatureOfRound[round];
        if (want !== undefined) assert.ok(mine.length >= 1, `round ${round}: a signature was received but no instance has an allow record for the bytes`);
        for (const r of mine)
          if (want !== undefined) assert.equal(r.signature_sha256, want, `round ${round}: ${r.instance} signed the bytes into another signature`);
        const replays = records.filter((r) => r.signed_sha256 === digest && r.decision === 'replay');
        for (const r of replays)
          assert.ok(
            mine.some((m) => m.signature_sha256 === r.signature_sha256),
            `round ${round}: a replay on ${r.instance} of no allowed signature`,
          );
      });

      const codes: Record<string, number> = {};
      for (const a of answers) {
        const k = `${a.role} ${a.res.status === 0 ? String(a.res.error) : a.res.status === 200 ? '200' : `${a.res.status} ${a.json?.code}`}`;
        codes[k] = (codes[k] ?? 0) + 1;
      }
      const afterKill = orphaned.flatMap((o) => o.answeredAfterKillMs);
      const waited = orphaned.flatMap((o) => o.lateWaitedMs);
      const stats = (xs: number[]) =>
        xs.length === 0 ? 'n/a' : `${Math.min(...xs)}–${Math.max(...xs)} ms (median ${[...xs].sort((a, b) => a - b)[xs.length >> 1]})`;
      console.log(
        `# fleet replay crash: ${ROUNDS} rounds in ${Math.round((performance.now() - started) / 1000)} s (a round ${stats(roundMs.map(Math.round))}); ` +
          `answers ${JSON.stringify(codes)}; slowest answer ${Math.round(Math.max(...answers.map((a) => a.res.ms)))} ms (bound ${ANSWER_BOUND_MS}); ` +
          `claim orphaned by the kill in ${orphaned.length} rounds (${orphaned.filter((o) => o.mode === 'allow').length} killed on the allow record; killed ${stats(orphaned.map((o) => o.killMs))} after the send, ${stats(orphaned.map((o) => o.sinceClaimMs))} after the claim showed up): ` +
          `the survivors' late copies answered ${stats(afterKill)} after the kill, having waited ${stats(waited)}; ` +
          `signings per round ${JSON.stringify(signings)} (2 = the claimant died after its allow record, before its result reached Redis: signed again, counted again, same signature); ` +
          `Solana counted ${inRedis} in Redis, ${used.join('/')} shown, ${allows.length} allow records, ${distinct.length} distinct signatures received; ` +
          `restarts ${stats(restarts.map(Math.round))}`,
      );
    },
  );
});

/** Resolves once `instance`'s active audit file holds an allow record of the signed bytes `digest` (or at `until`). */
async function allowRecordIn(instance: FleetInstance, digest: string, until: number): Promise<void> {
  const file = join(instance.auditDir, ACTIVE_FILE_NAME);
  while (performance.now() < until) {
    const text = await readFile(file, 'utf8').catch(() => '');
    if (text.split('\n').some((line) => line.includes(digest) && line.includes('"decision":"allow"'))) return;
    await new Promise((r) => setImmediate(r));
  }
}

/** One entry per distinct signature: a replay hands out a signature again without counting it again. */
function distinctSignatures(received: readonly ReceivedSignature[]): ReceivedSignature[] {
  const seen = new Map<string, ReceivedSignature>();
  for (const r of received) if (r.signatureSha256 !== undefined && !seen.has(r.signatureSha256)) seen.set(r.signatureSha256, r);
  return [...seen.values()];
}
