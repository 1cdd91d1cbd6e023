// pnpm soak [--minutes 10] [--concurrency 8] [--outage-seconds S] [--fleet N] [--out DIR]
// Mixed load over every chain (Solana, Cosmos, EVM sign routes, the EVM JSON-RPC endpoint, explain, and requests the
// policy refuses) against the demo signer in a process of its own, its simulated YubiHSM2 served from here. In the
// middle, the connector goes away for S seconds (default 60 when the run lasts 5 minutes or more): 503s with a code
// are expected then and counted apart. Reports the error count, RSS samples and the slope of their linear fit
// (MB/min), the audit log's growth per signature, and writes a summary (JSON + Markdown) under results/.
// --fleet N (1–3): N signer instances in fleet mode (`[state] kind = "redis"`) sharing one redis-server started here,
// each on a simulated YubiHSM2 of its own; the requests are spread over them round-robin; RSS and its slope per
// instance; every instance's connector goes away during the outage.
import { fork } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSimulator, startConnectorServer, type ConnectorServer, type SimulatedYubiHsm } from '@openkms/yubihsm-sim';
import { redisMissing, startTestRedis } from '@openkms/tooling/test-helpers';
import { ATOM, EVM, cosmosRequest, evmRequest, evmTx, solanaRequest, type SignRequest } from './chain-requests.js';
import { prepareDemoDir, keysByLabel } from './demo-signer.js';
import { fleetState } from './fleet-signers.js';
import { createHttpClient, lanes } from './http-client.js';
import { linearFit } from './linear-fit.js';

const here = dirname(fileURLToPath(import.meta.url));
const say = (line: string) => process.stdout.write(line + '\n');
const sayErr = (line: string) => process.stderr.write(line + '\n');
const args = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
};
const minutes = Number(opt('minutes') ?? 10);
const concurrency = Number(opt('concurrency') ?? 8);
const outageSeconds = Number(opt('outage-seconds') ?? (minutes >= 5 ? 60 : 0));
const outDir = opt('out') ?? join(here, '../results');
const fleetSize = opt('fleet') === undefined ? 0 : Number(opt('fleet'));
if (!(minutes > 0) || !(concurrency > 0) || !(outageSeconds >= 0) || !(Number.isInteger(fleetSize) && fleetSize >= 0 && fleetSize <= 3)) {
  sayErr('usage: pnpm soak [--minutes N] [--concurrency N] [--outage-seconds S] [--fleet 1|2|3] [--out DIR]');
  process.exit(2);
}
if (fleetSize > 0 && redisMissing()) {
  sayErr(`pnpm soak --fleet: ${redisMissing()}`);
  process.exit(2);
}
const HUGE = '1000000000000000000000000000000';
const PREFIX = 'soak-connector';

const demo = await prepareDemoDir(
  (toml) =>
    toml
      .replace(/^max_signs_per_minute = \d+$/gm, 'max_signs_per_minute = 1000000000')
      .replace(/^max_signs_per_day = \d+$/gm, 'max_signs_per_day = 1000000000')
      .replace(/^daily_cap_lamports = "\d+"$/m, `daily_cap_lamports = "${HUGE}"`)
      .replace(/^window_caps = \{ ("denom:uatom"|native) = "\d+" \}$/gm, `window_caps = { $1 = "${HUGE}" }`)
      .replace(/^\[auth\]$/m, '[auth]\ndenied_per_minute = 1000000'),
  'openkms-soak-',
);
const redis = fleetSize > 0 ? await startTestRedis() : undefined;
/** One signer: its directory, its own simulated device and connector, its process and client. */
interface Instance {
  readonly id: string;
  readonly dir: string;
  readonly auditDir: string;
  readonly sim: SimulatedYubiHsm;
  server: ConnectorServer | undefined;
  readonly connectorPort: number;
  readonly child: ReturnType<typeof fork>;
  readonly url: string;
}
const instances: Instance[] = [];
for (const id of fleetSize > 0 ? ['A', 'B', 'C'].slice(0, fleetSize) : ['']) {
  // fleet mode: a copy of the demo per instance (same keys and tokens), its [state] in the shared Redis
  const dir = id === '' ? demo.dir : `${demo.dir}-${id}`;
  if (id !== '') {
    cpSync(demo.dir, dir, { recursive: true });
    const config = join(dir, 'config.toml');
    writeFileSync(
      config,
      readFileSync(config, 'utf8').replace('[state]\nfile = "state.json"\n', fleetState({ redisUrl: redis!.url, id, keyPrefix: 'soak:', leaseSecs: 60 })),
    );
  }
  const sim = createSimulator({ statePath: join(dir, 'yubihsm-sim.json'), latency: 'zero' });
  const server = await startConnectorServer(sim, { port: 0, pathPrefix: PREFIX });
  const child = fork(join(here, 'soak-signer-host.ts'), [join(dir, 'config.toml'), server.url], {
    execArgv: ['--conditions=source', '--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const url = await new Promise<string>((res, rej) => {
    child.once('message', (m: { type: string; url: string }) => res(m.url));
    child.once('exit', (code) => rej(new Error(`signer ${id} exited (${code}) during start`)));
  });
  instances.push({ id, dir, auditDir: id === '' ? join(dir, 'audit') : join(dir, 'audit', id), sim, server, connectorPort: server.port, child, url });
}
const keys = await keysByLabel(instances[0]!.url, demo.signerToken);
const clients = instances.map((x) => createHttpClient(x.url, { token: demo.signerToken, timeoutMs: 30_000, maxSockets: concurrency }));

const rssOf = (pid: number | undefined): number | undefined => {
  try {
    const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
    return Number.isFinite(kb) ? kb / 1024 : undefined;
  } catch {
    return undefined;
  }
};
const rssMb = (): number | undefined => rssOf(instances[0]!.child.pid);
const auditBytes = (): number =>
  instances.reduce((sum, x) => sum + (existsSync(x.auditDir) ? readdirSync(x.auditDir).reduce((a, f) => a + statSync(join(x.auditDir, f)).size, 0) : 0), 0);

/** One request of the mix: mostly signatures over the three chains, some JSON-RPC, explain, and refusals. */
function nextRequest(i: number): { kind: string; path: string; body: string; expect: number } {
  switch (i % 10) {
    case 0:
    case 1:
    case 2:
      return { kind: 'solana', ...pick(solanaRequest(keys, 1000n)), expect: 200 };
    case 3:
    case 4:
      return { kind: 'cosmos', ...pick(cosmosRequest(keys, 1000n)), expect: 200 };
    case 5:
    case 6:
      return { kind: 'evm', ...pick(evmRequest(1000n)), expect: 200 };
    case 7: {
      const tx = { ...evmTx(1000n, { from: keys[EVM]!.address }) };
      delete (tx as { chainId?: unknown }).chainId;
      return {
        kind: 'json-rpc',
        path: '/rpc/evm/local',
        body: JSON.stringify({ jsonrpc: '2.0', id: i, method: 'eth_signTransaction', params: [tx] }),
        expect: 200,
      };
    }
    case 8: {
      const { label: _label, ...body } = JSON.parse(cosmosRequest(keys, 1000n).body) as Record<string, unknown>;
      return { kind: 'explain', path: `/policy/${ATOM}/explain`, body: JSON.stringify(body), expect: 200 };
    }
    default:
      // above the per-transaction cap: refused (403), audited
      return { kind: 'refused', ...pick(solanaRequest(keys, 6_000_000_000n)), expect: 403 };
  }
}
const pick = (r: SignRequest) => ({ path: r.path, body: r.body });

const started = performance.now();
const endAt = started + minutes * 60_000;
const outageAt = outageSeconds > 0 ? started + (minutes * 60_000 - outageSeconds * 1000) / 2 : Infinity;
const rss: { minute: number; mb: number }[] = [];
/** Fleet mode: the RSS samples of every instance. */
const rssByInstance: { minute: number; mb: number }[][] = instances.map(() => []);
const auditStart = auditBytes();
const counts: Record<string, Record<string, number>> = {};
const errors: string[] = [];
let errorCount = 0;
let signatures = 0;
let outage503 = 0;
let recoveredMs: number | undefined;
let connectorBackAt: number | undefined;
let i = 0;

const sampler = setInterval(() => {
  const minute = (performance.now() - started) / 60_000;
  instances.forEach((x, n) => {
    const mb = rssOf(x.child.pid);
    if (mb === undefined) return;
    rssByInstance[n]!.push({ minute, mb });
    if (n === 0) rss.push({ minute, mb });
  });
}, 5000);
const outageTimer =
  outageAt !== Infinity
    ? setTimeout(() => {
        for (const x of instances) void x.server?.close().then(() => (x.server = undefined));
        say(`soak: connector${instances.length > 1 ? 's' : ''} gone for ${outageSeconds} s`);
        setTimeout(() => {
          void Promise.all(instances.map((x) => startConnectorServer(x.sim, { port: x.connectorPort, pathPrefix: PREFIX }).then((s) => (x.server = s)))).then(
            () => {
              connectorBackAt = performance.now();
              say('soak: connector back');
            },
          );
        }, outageSeconds * 1000);
      }, outageAt - started)
    : undefined;
const progress = setInterval(() => {
  const m = ((performance.now() - started) / 60_000).toFixed(1);
  say(`soak: ${m} min, ${i} requests, ${signatures} signatures, ${errorCount} errors, RSS ${rssMb()?.toFixed(1)} MB`);
}, 30_000);

await lanes(concurrency, async () => {
  const now = performance.now();
  if (now >= endAt) return false;
  const n = i;
  const r = nextRequest(i++);
  // fleet mode: spread round-robin over the instances (offset so that every kind of request reaches each of them)
  const res = await clients[(n + Math.floor(n / 10)) % clients.length]!.request('POST', r.path, r.body);
  const row = (counts[r.kind] ??= {});
  const key = res.status === 0 ? String(res.error) : String(res.status);
  row[key] = (row[key] ?? 0) + 1;
  // a 503 with a code is the outage's when it is answered from just before the connector went (requests in flight)
  // until its first signature after the connector's return (plus the answers already in flight then)
  const answeredAt = performance.now();
  const inOutage =
    answeredAt >= outageAt - 1000 && (recoveredMs === undefined || connectorBackAt === undefined || answeredAt <= connectorBackAt + recoveredMs + 2000);
  if (res.status === r.expect) {
    if (r.expect === 200 && r.kind !== 'explain') signatures++;
    if (connectorBackAt !== undefined && recoveredMs === undefined && r.expect === 200) recoveredMs = performance.now() - connectorBackAt;
    return true;
  }
  if (inOutage && res.status === 503 && /"code"/.test(res.text)) {
    outage503++;
    return true;
  }
  errorCount++;
  if (errors.length < 20) errors.push(`${r.kind} ${res.status} ${res.error ?? ''} ${(res.detail ?? res.text).slice(0, 200)}`);
  return true;
});
clearInterval(sampler);
clearInterval(progress);
if (outageTimer) clearTimeout(outageTimer);
const seconds = (performance.now() - started) / 1000;
for (const c of clients) c.close();
for (const x of instances) {
  x.child.disconnect();
  if (x.child.exitCode === null && x.child.signalCode === null) await new Promise((r) => x.child.once('exit', r));
  await x.server?.close();
  await x.sim.close();
}
const auditEnd = auditBytes();
await redis?.close();

const auditGrowth = auditEnd - auditStart;
for (const x of instances) if (x.id !== '') rmSync(x.dir, { recursive: true, force: true });
const perInstance = instances.map((x, n) => {
  const samples = rssByInstance[n]!;
  const after = samples.filter((s) => s.minute >= Math.min(1, minutes / 5));
  return {
    id: x.id,
    first: samples[0]?.mb,
    peak: samples.length > 0 ? Math.max(...samples.map((s) => s.mb)) : undefined,
    last: samples[samples.length - 1]?.mb,
    slope: linearFit(samples.map((s) => ({ x: s.minute, y: s.mb })))?.slope,
    slopeAfterWarmup: linearFit(after.map((s) => ({ x: s.minute, y: s.mb })))?.slope,
  };
});
const steady = rss.filter((s) => s.minute >= Math.min(1, minutes / 5));
const fitAll = linearFit(rss.map((s) => ({ x: s.minute, y: s.mb })));
const fitSteady = linearFit(steady.map((s) => ({ x: s.minute, y: s.mb })));
const round = (x: number | undefined, d = 2) => (x === undefined ? null : Math.round(x * 10 ** d) / 10 ** d);
const summary = {
  date: new Date().toISOString(),
  machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}, Node ${process.version}; load average at the end ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
  minutes: round(seconds / 60),
  concurrency,
  fleet: fleetSize > 0 ? { instances: fleetSize, state: 'redis (one local redis-server, AOF everysec)' } : null,
  requests: i,
  requests_per_second: round(i / seconds, 1),
  signatures,
  errors: errorCount,
  error_samples: errors,
  outage: outageSeconds > 0 ? { seconds: outageSeconds, answered_503_with_code: outage503, back_after_ms: round(recoveredMs, 0) } : null,
  answers: counts,
  rss_mb: {
    samples: rss.map((s) => [round(s.minute), round(s.mb, 1)]),
    first: round(rss[0]?.mb, 1),
    peak: round(Math.max(...rss.map((s) => s.mb)), 1),
    last: round(rss[rss.length - 1]?.mb, 1),
    slope_mb_per_min: round(fitAll?.slope, 3),
    slope_mb_per_min_after_warmup: round(fitSteady?.slope, 3),
  },
  rss_mb_by_instance:
    fleetSize > 0
      ? perInstance.map((p) => ({
          instance: p.id,
          first: round(p.first, 1),
          peak: round(p.peak, 1),
          last: round(p.last, 1),
          slope_mb_per_min: round(p.slope, 3),
          slope_mb_per_min_after_warmup: round(p.slopeAfterWarmup, 3),
        }))
      : null,
  audit: {
    bytes: auditGrowth,
    bytes_per_signature: round(auditGrowth / Math.max(1, signatures), 0),
    bytes_per_request: round(auditGrowth / Math.max(1, i), 0),
  },
};
mkdirSync(outDir, { recursive: true });
const stamp = (fleetSize > 0 ? `fleet${fleetSize}-` : '') + summary.date.replace(/[:.]/g, '-');
writeFileSync(join(outDir, `soak-${stamp}.json`), JSON.stringify(summary, null, 2) + '\n');
const md = `# Soak run ${summary.date}

${summary.minutes} minutes of mixed load (Solana, Cosmos and EVM sign routes, the EVM JSON-RPC endpoint, explain, and requests the
policy refuses; concurrency ${concurrency}) against ${fleetSize > 0 ? `${fleetSize} signer instance(s) in fleet mode sharing one redis-server, each` : 'the demo signer'} in a process of its own, its simulated YubiHSM2 served by
the soak${outageSeconds > 0 ? `; the connector was gone for ${outageSeconds} s in the middle` : ''}.

Machine: ${summary.machine}

| | |
|---|---|
| requests | ${i} (${summary.requests_per_second}/s) |
| signatures | ${signatures} |
| errors | ${errorCount} |
${outageSeconds > 0 ? `| connector outage | ${outageSeconds} s: ${outage503} answers 503 with a code; back ${summary.outage?.back_after_ms} ms after the connector returned |\n` : ''}| RSS (MB) | first ${summary.rss_mb.first}, peak ${summary.rss_mb.peak}, last ${summary.rss_mb.last} |
| RSS slope (linear fit) | ${summary.rss_mb.slope_mb_per_min} MB/min over the run, ${summary.rss_mb.slope_mb_per_min_after_warmup} MB/min after the first ${Math.min(1, minutes / 5)} min |
${
  summary.rss_mb_by_instance
    ? summary.rss_mb_by_instance
        .map(
          (p) =>
            `| RSS of instance ${p.instance} (MB) | first ${p.first}, peak ${p.peak}, last ${p.last}; slope ${p.slope_mb_per_min} MB/min, ${p.slope_mb_per_min_after_warmup} after warm-up |\n`,
        )
        .join('')
    : ''
}| audit log growth | ${auditGrowth} bytes: ${summary.audit.bytes_per_signature} bytes per signature, ${summary.audit.bytes_per_request} per request |

Answers by kind: \`${JSON.stringify(counts)}\`

RSS samples (minute, MB): ${summary.rss_mb.samples.map(([m, mb]) => `${m}: ${mb}`).join(', ')}
`;
writeFileSync(join(outDir, `soak-${stamp}.md`), md);
writeFileSync(join(outDir, fleetSize > 0 ? 'latest-soak-fleet.md' : 'latest-soak.md'), md);
say(md);
process.exit(errorCount === 0 ? 0 : 1);
