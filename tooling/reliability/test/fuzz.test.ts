// 3. Fuzzing: ≥ 100,000 mutated and random requests against every sign route, explain, the Ethereum JSON-RPC
// endpoint, the REST gateway and the MCP endpoint of a running `openkms demo` process → no 5xx other than 503, no
// hang, no crash, bounded memory (the signer runs with the shipped unit's heap caps: a leak would end it). Every 200 that carries a signature is decoded again with the chain's own library
// and checked against the policy: zero signatures outside it. RELIABILITY_SEED reproduces a run,
// RELIABILITY_FUZZ_N sets the number of requests.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { erc20Abi } from 'viem';
import { DEMO_CAPS, EVM, outsidePolicy, type KeysByLabel } from '../src/chain-requests.js';
import { fuzzCase, type FuzzCase } from '../src/fuzz-cases.js';
import { createHttpClient, lanes } from '../src/http-client.js';
import {
  DEPLOYED_NODE_FLAGS,
  freePort,
  keysByLabel,
  prepareDemoDir,
  startSignerProcess,
  withCapsOutOfReach,
  type DemoDir,
  type SignerProcess,
} from '../src/demo-signer.js';
import { seededRandom, suiteSeed } from '../src/seeded-random.js';

const N = Number(process.env.RELIABILITY_FUZZ_N ?? 100_000);
const CONCURRENCY = 48;
/** No answer within this bound is a hang. */
const ANSWER_BOUND_MS = 20_000;
const TOKEN = '0x5FbDB2315678afecb367f032d93F642f64180aa3';

/** The demo's per-transaction caps (DEMO_CAPS, checked on every signature); counts and windows out of the way. */
function fuzzConfig(deadPort: number) {
  return (toml: string) =>
    withCapsOutOfReach(toml).replace(/^upstream = .*$/m, `upstream = "http://127.0.0.1:${deadPort}"`) +
    `
[gateway.contracts.token]
network = "local"
address = "${TOKEN}"
abi_file = "token.abi.json"
`;
}

/** The JSON-RPC message inside an MCP answer (plain JSON or a text/event-stream `data:` line). */
function mcpMessage(text: string): any {
  for (const candidate of [
    text,
    ...text
      .split('\n')
      .filter((l) => l.startsWith('data:'))
      .map((l) => l.slice(5)),
  ]) {
    try {
      return JSON.parse(candidate);
    } catch {
      /* next */
    }
  }
  return undefined;
}

describe('fuzzing every endpoint of a running signer', () => {
  const seed = suiteSeed();
  let demo: DemoDir;
  let signer: SignerProcess;
  let keys: KeysByLabel;

  before(async () => {
    console.log(`fuzz seed ${seed} (RELIABILITY_SEED=${seed} reproduces the requests)`);
    demo = await prepareDemoDir(fuzzConfig(await freePort()));
    writeFileSync(join(demo.dir, 'token.abi.json'), JSON.stringify(erc20Abi));
    signer = await startSignerProcess(demo.dir, await freePort());
    keys = await keysByLabel(signer.url, demo.signerToken);
  });
  after(async () => {
    await signer?.kill9();
  });

  test(`${N} requests: no 5xx but 503, no hang, no crash, no signature outside the policy`, { timeout: 1_800_000 }, async () => {
    const rand = seededRandom(seed);
    const client = createHttpClient(signer.url, { token: demo.signerToken, timeoutMs: ANSWER_BOUND_MS, maxSockets: CONCURRENCY });
    const byFamily: Record<string, Record<string, number>> = {};
    const bad: string[] = [];
    const outside: string[] = [];
    const signedBy: Record<string, number> = {};
    const busyMs: Record<string, number> = {};
    const rss: number[] = [];
    let sent = 0;
    const rssTimer = setInterval(() => {
      const mb = signer.rssMb();
      if (mb !== undefined) rss.push(mb);
    }, 1000);
    const started = performance.now();
    const note = (c: FuzzCase, what: string) => {
      if (bad.length < 20) bad.push(`${c.family} ${c.method} ${c.path}: ${what} — body ${String(c.body).slice(0, 300)}`);
    };
    try {
      await lanes(CONCURRENCY, async () => {
        if (sent >= N) return false;
        sent++;
        const c = fuzzCase(rand, keys, keys[EVM]!.address);
        const res = await client.request(c.method, c.path, c.method === 'GET' ? undefined : c.body, c.headers ?? {});
        const fam = (byFamily[c.family] ??= {});
        const key = res.status === 0 ? String(res.error) : String(res.status);
        fam[key] = (fam[key] ?? 0) + 1;
        busyMs[c.family] = (busyMs[c.family] ?? 0) + res.ms;
        if (res.status === 0) note(c, `${res.error}: ${res.detail}`);
        else if (res.status >= 500 && res.status !== 503) note(c, `${res.status} ${res.text.slice(0, 300)}`);
        else if (res.status === 503 && !/"code"/.test(res.text)) note(c, `503 without a code: ${res.text.slice(0, 200)}`);
        else if (res.status === 200 && c.signed) {
          let answer = client.json(res);
          let sentBody = c.signed.sent as any;
          if (c.signed.mcp) {
            const m = mcpMessage(res.text);
            const text = m?.result?.content?.[0]?.text;
            answer = m?.result?.structuredContent ?? (typeof text === 'string' ? safeJson(text) : undefined);
            if (m?.result?.isError) answer = undefined;
          } else if (c.signed.rpc) {
            answer = typeof answer?.result === 'string' ? { raw_transaction: answer.result } : undefined;
            sentBody = undefined;
          }
          if (answer && (answer.signature_b64 !== undefined || answer.signature !== undefined || answer.raw_transaction !== undefined)) {
            const kind = `${c.family}${c.signed.mcp ? ' (mcp)' : ''}: ${c.signed.chain} ${answer.kind ?? (answer.raw_transaction ? 'transaction' : 'message')}`;
            signedBy[kind] = (signedBy[kind] ?? 0) + 1;
            const why = await outsidePolicy(c.signed.chain, sentBody, answer, keys, DEMO_CAPS);
            if (why !== undefined && outside.length < 20) outside.push(`${why} — request ${String(c.body).slice(0, 400)}`);
          }
        }
        return true;
      });
    } finally {
      clearInterval(rssTimer);
      client.close();
    }
    const seconds = (performance.now() - started) / 1000;
    const health = await fetch(`${signer.url}/health`)
      .then((r) => r.status)
      .catch((e: Error) => e.message);
    const report = {
      seed,
      node_flags: DEPLOYED_NODE_FLAGS,
      requests: sent,
      seconds: Math.round(seconds),
      per_second: Math.round(sent / seconds),
      answers: byFamily,
      mean_ms: Object.fromEntries(Object.entries(busyMs).map(([f, ms]) => [f, Math.round(ms / Object.values(byFamily[f]!).reduce((a, b) => a + b, 0))])),
      signatures_checked: signedBy,
      rss_mb: { first: round(rss[0]), peak: round(Math.max(...rss)), last: round(rss[rss.length - 1]) },
    };
    console.log(`fuzz: ${JSON.stringify(report)}`);
    writeFileSync(join(process.env.RELIABILITY_RESULTS ?? demo.dir, 'fuzz-report.json'), JSON.stringify(report, null, 2));
    assert.equal(signer.child.exitCode, null, `the signer exited: ${signer.output.join('').slice(-2000)}`);
    assert.equal(health, 200, 'healthy after the run');
    assert.deepEqual(bad, [], 'answers other than 2xx/4xx/503-with-a-code, or no answer in time');
    assert.deepEqual(outside, [], 'signatures outside the policy');
    assert.ok(Math.max(...rss) < 1024, `signer RSS peaked at ${Math.max(...rss)} MB`);
  });
});

function safeJson(text: string): any {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
const round = (x: number | undefined) => (x === undefined ? undefined : Math.round(x * 10) / 10);
