// 1. Crash: SIGKILL the signer (`openkms demo`, a real process) at random moments under concurrent load over every
// chain, restart it on the same directory, at least 20 times. After every restart: the audit chain verifies, the
// rate and spend counters are not below what clients actually received, the pending approval is still pending. At
// the end: every signature a client received has its audit record, and no cap was exceeded in total.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { TokenStore } from '@openkms/signer';
import { listAuditFiles, loadAuditKey, readAuditRecords, verifyAuditFiles, formatVerifyReport } from '@openkms/audit';
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
import { createHttpClient, lanes, type HttpClient } from '../src/http-client.js';
import { capsUnderTest } from '../src/caps-under-test.js';
import { auditVerify, freePort, keysByLabel, prepareDemoDir, startSignerProcess, type DemoDir, type SignerProcess } from '../src/demo-signer.js';
import { seededRandom, suiteSeed } from '../src/seeded-random.js';

const CYCLES = Number(process.env.RELIABILITY_CRASH_CYCLES ?? 20);
const LANES_PER_CHAIN = 4;
// the caps under test: one count cap (solana, evm) and one spend cap (cosmos), sized to be reached mid-run
const SOL_SIGNS_PER_DAY = 150;
const EVM_SIGNS_PER_DAY = 150;
const UATOM_PER_TX = 1000n;
const UATOM_FEE = 5000n;
const UATOM_WINDOW = 150n * (UATOM_PER_TX + UATOM_FEE);
const LAMPORTS_PER_TX = 1_000_000n;
const APPROVAL_LAMPORTS = 600_000_000n;

const config = capsUnderTest({
  solSignsPerDay: SOL_SIGNS_PER_DAY,
  evmSignsPerDay: EVM_SIGNS_PER_DAY,
  uatomWindow: UATOM_WINDOW,
  solApprovalAbove: 500_000_000n,
});

interface Received {
  readonly chain: SignRequest['chain'];
  readonly requestId: string;
  readonly amount: bigint;
  readonly signatureSha256: string | undefined;
  readonly cycle: number;
}

describe('crash: SIGKILL under load over every chain, restart on the same directory', () => {
  const seed = suiteSeed();
  const rand = seededRandom(seed);
  let demo: DemoDir;
  let port: number;
  let alice: string;
  let signer: SignerProcess | undefined;
  let keys: KeysByLabel;
  const received: Received[] = [];
  const statuses: Record<string, number> = {};
  const startMs: number[] = [];

  before(async () => {
    console.log(`crash suite seed ${seed} (RELIABILITY_SEED=${seed} reproduces the kill schedule)`);
    demo = await prepareDemoDir(config);
    alice = TokenStore.load(join(demo.dir, 'tokens.json')).create('alice', ['approve:solana-hot-0']);
    port = await freePort();
  });
  after(async () => {
    await signer?.kill9();
  });

  const total = (chain: SignRequest['chain']) => received.filter((r) => r.chain === chain);
  const sum = (rs: Received[]) => rs.reduce((a, r) => a + r.amount, 0n);

  async function runtimeOf(client: HttpClient, label: string): Promise<any> {
    const res = await client.request('GET', `/policy/${label}`);
    assert.equal(res.status, 200, `GET /policy/${label}: ${res.status === 0 ? res.detail : res.text}`);
    return client.json(res).runtime;
  }

  async function verifyChain(when: string): Promise<void> {
    const report = await verifyAuditFiles(await listAuditFiles(join(demo.dir, 'audit')), await loadAuditKey(join(demo.dir, 'audit.key')));
    assert.ok(report.ok, `audit chain broken ${when}: ${formatVerifyReport(report)}`);
  }

  test(`${CYCLES} SIGKILLs at random moments; counters, audit chain and the pending approval hold after each restart`, { timeout: 900_000 }, async () => {
    let approvalId: string | undefined;
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const startedAt = performance.now();
      signer = await startSignerProcess(demo.dir, port);
      startMs.push(performance.now() - startedAt);
      const client = createHttpClient(signer.url, { token: demo.signerToken, timeoutMs: 30_000 });
      try {
        keys ??= await keysByLabel(signer.url, demo.signerToken);
        // after every restart: the chain verifies, counters cover what was received, the approval is still pending
        await verifyChain(`after restart ${cycle}`);
        const sol = await runtimeOf(client, SOL);
        const atom = await runtimeOf(client, ATOM);
        const evm = await runtimeOf(client, EVM);
        assert.ok(
          sol.sign_counts.per_day.used >= total('solana').length,
          `restart ${cycle}: solana count ${sol.sign_counts.per_day.used} below ${total('solana').length} signatures received`,
        );
        assert.ok(
          evm.sign_counts.per_day.used >= total('evm').length,
          `restart ${cycle}: evm count ${evm.sign_counts.per_day.used} below ${total('evm').length} received`,
        );
        const uatomSpent = BigInt(atom.spend.find((x: { asset: string }) => x.asset === 'denom:uatom')?.spent ?? '0');
        assert.ok(uatomSpent >= sum(total('cosmos')), `restart ${cycle}: uatom spent ${uatomSpent} below ${sum(total('cosmos'))} received`);
        const solSpent = BigInt(sol.spend.find((x: { asset: string }) => x.asset === 'native')?.spent ?? '0');
        assert.ok(solSpent >= sum(total('solana')), `restart ${cycle}: lamports spent ${solSpent} below ${sum(total('solana'))} received`);
        if (approvalId === undefined) {
          const held = await client.request(
            'POST',
            '/sign/solana',
            solanaRequest(keys, APPROVAL_LAMPORTS, solanaMessage(keys[SOL]!.address, [{ lamports: APPROVAL_LAMPORTS }])).body,
          );
          assert.equal(held.status, 202, held.status === 0 ? held.detail : held.text);
          approvalId = client.json(held).approval_id as string;
        } else {
          const poll = await client.request('GET', `/approvals/${approvalId}`);
          assert.equal(poll.status, 202, `restart ${cycle}: approval ${approvalId} ${poll.status === 0 ? poll.detail : poll.text}`);
          assert.equal(client.json(poll).status, 'pending');
        }

        // load over every chain until the kill. The kill comes at a random moment once every chain has answered
        // (the demo loads its chain decoders on first use), or, one time in six, right away
        let killed = false;
        const early = rand() < 1 / 6;
        const killAfterMs = early ? rand() * 50 : rand() * 1500;
        const answered = new Set<string>();
        let warm!: () => void;
        const warmed = new Promise<void>((r) => (warm = r));
        const load = lanes(LANES_PER_CHAIN * 3, async (lane) => {
          if (killed) return false;
          const chain = (['solana', 'cosmos', 'evm'] as const)[lane % 3]!;
          const req = chain === 'solana' ? solanaRequest(keys, LAMPORTS_PER_TX) : chain === 'cosmos' ? cosmosRequest(keys, UATOM_PER_TX) : evmRequest(1000n);
          const res = await client.request('POST', req.path, req.body);
          const key = res.status === 0 ? String(res.error) : res.status === 200 ? '200' : `${res.status} ${client.json(res)?.code}`;
          statuses[key] = (statuses[key] ?? 0) + 1;
          if (res.status !== 0 && answered.add(chain).size === 3) warm();
          if (res.status === 200) {
            const sig = signatureBytes(client.json(res));
            received.push({
              chain,
              requestId: String(res.headers['x-request-id']),
              amount: req.amount,
              signatureSha256: sig && sha256Hex(sig),
              cycle,
            });
          } else if (res.status === 503 && typeof client.json(res)?.code === 'string') {
            // an honest "not now" (deadline_exceeded, overloaded while the machine is busy): nothing was signed
          } else if (res.status !== 0 && res.status !== 429 && res.status !== 403) {
            assert.fail(`${req.path}: unexpected ${res.status} ${res.text}`);
          }
          return !killed;
        });
        if (!early) await Promise.race([warmed, new Promise((r) => setTimeout(r, 30_000))]);
        await new Promise((r) => setTimeout(r, killAfterMs));
        killed = true;
        await signer.kill9();
        await load;
      } finally {
        client.close();
      }
    }

    // the last start: checks once more, then the approval is approved and signs
    signer = await startSignerProcess(demo.dir, port);
    const client = createHttpClient(signer.url, { token: demo.signerToken });
    await verifyChain('after the last restart');
    const poll = await client.request('GET', `/approvals/${approvalId}`);
    assert.equal(poll.status, 202, 'the approval survived every crash');
    const approved = await client.request('POST', `/admin/approvals/${approvalId}/approve`, undefined, { authorization: `Bearer ${alice}` });
    assert.equal(approved.status, 200, approved.status === 0 ? approved.detail : approved.text);
    const got = await client.request('GET', `/approvals/${approvalId}`);
    assert.equal(got.status, 200, got.status === 0 ? got.detail : got.text);
    const code = await signer.stop();
    assert.equal(code, 0, 'clean stop');
    client.close();
    signer = undefined;

    const cli = await auditVerify(demo.config);
    assert.equal(cli.code, 0, `openkms audit verify: ${cli.out}`);

    // every signature a client received has its allow record, with the same signature hash
    const byRequest = new Map<string, { decision: string; signature_sha256?: string }>();
    for await (const r of readAuditRecords(join(demo.dir, 'audit'))) if (r.request_id) byRequest.set(r.request_id, r);
    const missing = received.filter((r) => byRequest.get(r.requestId)?.decision !== 'allow');
    assert.deepEqual(missing, [], 'signatures without an allow audit record');
    const mismatched = received.filter((r) => r.signatureSha256 !== undefined && byRequest.get(r.requestId)?.signature_sha256 !== r.signatureSha256);
    assert.deepEqual(mismatched, [], 'audit records whose signature hash differs from the signature received');

    // caps held in total across every crash
    const sol = total('solana').length + 1; // + the approved transfer
    assert.ok(sol <= SOL_SIGNS_PER_DAY, `solana: ${sol} signatures received, cap ${SOL_SIGNS_PER_DAY}/day`);
    assert.ok(total('evm').length <= EVM_SIGNS_PER_DAY, `evm: ${total('evm').length} signatures, cap ${EVM_SIGNS_PER_DAY}/day`);
    assert.ok(sum(total('cosmos')) <= UATOM_WINDOW, `cosmos: ${sum(total('cosmos'))} uatom signed with fees, window cap ${UATOM_WINDOW}`);
    console.log(
      `crash: ${CYCLES} kills; answers ${JSON.stringify(statuses)}; signatures received solana ${sol}/${SOL_SIGNS_PER_DAY}, ` +
        `evm ${total('evm').length}/${EVM_SIGNS_PER_DAY}, cosmos ${sum(total('cosmos'))}/${UATOM_WINDOW} uatom; ` +
        `starts ${Math.round(Math.min(...startMs))}–${Math.round(Math.max(...startMs))} ms; cap reached at cycle: solana ${firstCapCycle(received, 'solana', SOL_SIGNS_PER_DAY - 1)}, evm ${firstCapCycle(received, 'evm', EVM_SIGNS_PER_DAY)}, cosmos ${firstCapCycle(received, 'cosmos', Number(UATOM_WINDOW / (UATOM_PER_TX + UATOM_FEE)))}`,
    );
  });
});

function firstCapCycle(received: Received[], chain: string, n: number): number | 'not reached' {
  const rs = received.filter((r) => r.chain === chain);
  return rs.length >= n ? rs[n - 1]!.cycle : 'not reached';
}
