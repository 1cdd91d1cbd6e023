// pnpm soak [--minutes 10] [--concurrency 8] [--outage-seconds S] [--fleet N] [--node-defaults] [--out DIR]
// Mixed load over every chain (Solana, Cosmos, EVM sign routes, the EVM JSON-RPC endpoint, explain, and requests the
// policy refuses) against the demo signer in a process of its own, its simulated YubiHSM2 served from here. In the
// middle, the connector goes away for S seconds (default 60 when the run lasts 5 minutes or more): 503s with a code
// are expected then and counted apart. Reports the error count, RSS samples and the slope of their linear fit
// (MB/min), the live heap after a full GC (sampled every 15 s) and its slope, the audit log's growth per signature,
// and writes a summary (JSON + Markdown) under results/. The signer runs with the node flags of the shipped systemd
// unit (its heap caps), as deployed; --node-defaults runs it on Node's default heap instead.
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
import { DEPLOYED_NODE_FLAGS, prepareDemoDir, keysByLabel, withCapsOutOfReach } from './demo-signer.js';
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
const nodeFlags = args.includes('--node-defaults') ? [] : DEPLOYED_NODE_FLAGS;
if (!(minutes > 0) || !(concurrency > 0) || !(outageSeconds >= 0) || !(Number.isInteger(fleetSize) && fleetSize >= 0 && fleetSize <= 3)) {
  sayErr('usage: pnpm soak [--minutes N] [--concurrency N] [--outage-seconds S] [--fleet 1|2|3] [--node-defaults] [--out DIR]');
  process.exit(2);
}
if (fleetSize > 0 && redisMissing()) {
  sayErr(`pnpm soak --fleet: ${redisMissing()}`);
  process.exit(2);
}
const PREFIX = 'soak-connector';

const demo = await prepareDemoDir(withCapsOutOfReach, 'openkms-soak-');
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
    execArgv: ['--expose-gc', ...nodeFlags, '--conditions=source', '--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const url = await new Promise<string>((res, rej) => {
    child.once('message', (m: { type: string; url: string }) => (m.type === 'ready' ? res(m.url) : rej(new Error(`unexpected ${m.type}`))));
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
/** The live heap (V8 heap in use + external memory) of an instance right after a full GC, in MB. */
const liveHeapMb = (x: Instance): Promise<number | undefined> =>
  new Promise((res) => {
    const timer = setTimeout(() => {
      x.child.off('message', onMessage);
      res(undefined);
    }, 10_000);
    const onMessage = (m: { type?: string; usedBytes?: number; externalBytes?: number }) => {
      if (m.type !== 'heap') return;
      clearTimeout(timer);
      x.child.off('message', onMessage);
      res(((m.usedBytes ?? 0) + (m.externalBytes ?? 0)) / 2 ** 20);
    };
    x.child.on('message', onMessage);
    x.child.send({ type: 'heap' });
  });
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
/** Every instance's live heap after a full GC. */
const heapByInstance: { minute: number; mb: number }[][] = instances.map(() => []);
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
let heapSampling = false;
const heapSampler = setInterval(() => {
  if (heapSampling) return;
  heapSampling = true;
  void Promise.all(
    instances.map(async (x, n) => {
      const mb = await liveHeapMb(x);
      if (mb !== undefined) heapByInstance[n]!.push({ minute: (performance.now() - started) / 60_000, mb });
    }),
  ).finally(() => (heapSampling = false));
}, 15_000);
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
  const heap = heapByInstance[0]!.at(-1)?.mb;
  say(`soak: ${m} min, ${i} requests, ${signatures} signatures, ${errorCount} errors, RSS ${rssMb()?.toFixed(1)} MB, live heap ${heap?.toFixed(1)} MB`);
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
clearInterval(heapSampler);
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
// an unexpected answer's audit record says why (its reason and context: device, driver reason, device error)
const errorRecords = auditRecordsOf(
  errors.map((e) => /"request_id":"([^"]+)"/.exec(e)?.[1]).filter((id): id is string => id !== undefined),
  instances.map((x) => x.auditDir),
);
if (errorCount > 0) say(`soak: errors seen; the instances' directories are kept for a look: ${instances.map((x) => x.dir).join(' ')}`);
else for (const x of instances) if (x.id !== '') rmSync(x.dir, { recursive: true, force: true });
// the replay cache reaches its steady size after its TTL (120 s): the slope after the warm-up is what stays for 24 h
const warmupMinutes = Math.min(2, minutes / 5);
const round = (x: number | undefined, d = 2) => (x === undefined ? null : Math.round(x * 10 ** d) / 10 ** d);
/** First, peak, last and the slope of the linear fit (MB/min) of a series, over the run and after the warm-up. */
function describeSeries(samples: readonly { minute: number; mb: number }[]) {
  const after = samples.filter((s) => s.minute >= warmupMinutes);
  return {
    first: round(samples[0]?.mb, 1),
    peak: samples.length > 0 ? round(Math.max(...samples.map((s) => s.mb)), 1) : null,
    last: round(samples.at(-1)?.mb, 1),
    slope_mb_per_min: round(linearFit(samples.map((s) => ({ x: s.minute, y: s.mb })))?.slope, 3),
    slope_mb_per_min_after_warmup: round(linearFit(after.map((s) => ({ x: s.minute, y: s.mb })))?.slope, 3),
  };
}
const signaturesPerMinute = signatures / (seconds / 60);
/** What the live heap keeps per signature after the warm-up (the slope over the signing rate), in bytes. */
const heapBytesPerSignature = (slope: number | null): number | null =>
  slope === null || signaturesPerMinute === 0 ? null : Math.round((slope * 2 ** 20) / (signaturesPerMinute / instances.length));
const rssSeries = describeSeries(rss);
const heapSeries = describeSeries(heapByInstance[0]!);
const summary = {
  date: new Date().toISOString(),
  machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.type()} ${os.release()}, Node ${process.version}; load average at the end ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
  node_flags: nodeFlags,
  minutes: round(seconds / 60),
  concurrency,
  fleet: fleetSize > 0 ? { instances: fleetSize, state: 'redis (one local redis-server, AOF everysec)' } : null,
  requests: i,
  requests_per_second: round(i / seconds, 1),
  signatures,
  errors: errorCount,
  error_samples: errors,
  error_records: errorRecords,
  outage: outageSeconds > 0 ? { seconds: outageSeconds, answered_503_with_code: outage503, back_after_ms: round(recoveredMs, 0) } : null,
  answers: counts,
  rss_mb: { ...rssSeries, samples: rss.map((s) => [round(s.minute), round(s.mb, 1)]) },
  live_heap_mb: {
    ...heapSeries,
    bytes_per_signature_after_warmup: heapBytesPerSignature(heapSeries.slope_mb_per_min_after_warmup),
    samples: heapByInstance[0]!.map((s) => [round(s.minute), round(s.mb, 1)]),
  },
  by_instance:
    fleetSize > 0
      ? instances.map((x, n) => {
          const heap = describeSeries(heapByInstance[n]!);
          return {
            instance: x.id,
            rss_mb: describeSeries(rssByInstance[n]!),
            live_heap_mb: { ...heap, bytes_per_signature_after_warmup: heapBytesPerSignature(heap.slope_mb_per_min_after_warmup) },
          };
        })
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
type Series = ReturnType<typeof describeSeries>;
const row = (name: string, s: Series, extra = '') =>
  `| ${name} | first ${s.first}, peak ${s.peak}, last ${s.last}; slope ${s.slope_mb_per_min} MB/min over the run, ${s.slope_mb_per_min_after_warmup} MB/min after the first ${warmupMinutes} min${extra} |\n`;
const perSignature = (b: number | null) => (b === null ? '' : ` (${b} bytes per signature)`);
const md = `# Soak run ${summary.date}

${summary.minutes} minutes of mixed load (Solana, Cosmos and EVM sign routes, the EVM JSON-RPC endpoint, explain, and requests the
policy refuses; concurrency ${concurrency}) against ${fleetSize > 0 ? `${fleetSize} signer instance(s) in fleet mode sharing one redis-server, each` : 'the demo signer'} in a process of its own, its simulated YubiHSM2 served by
the soak${outageSeconds > 0 ? `; the connector was gone for ${outageSeconds} s in the middle` : ''}. Node flags of the signer: ${nodeFlags.length > 0 ? `\`${nodeFlags.join(' ')}\` (the shipped unit's)` : "none (Node's default heap)"}.
The live heap is V8's heap in use plus external memory, read right after a full GC every 15 s.

Machine: ${summary.machine}

| | |
|---|---|
| requests | ${i} (${summary.requests_per_second}/s) |
| signatures | ${signatures} |
| errors | ${errorCount} |
${outageSeconds > 0 ? `| connector outage | ${outageSeconds} s: ${outage503} answers 503 with a code; back ${summary.outage?.back_after_ms} ms after the connector returned |\n` : ''}${
  summary.by_instance
    ? summary.by_instance
        .map(
          (p) =>
            row(`RSS of instance ${p.instance} (MB)`, p.rss_mb) +
            row(`live heap of instance ${p.instance} (MB)`, p.live_heap_mb, perSignature(p.live_heap_mb.bytes_per_signature_after_warmup)),
        )
        .join('')
    : row('RSS (MB)', rssSeries) + row('live heap (MB)', heapSeries, perSignature(summary.live_heap_mb.bytes_per_signature_after_warmup))
}| audit log growth | ${auditGrowth} bytes: ${summary.audit.bytes_per_signature} bytes per signature, ${summary.audit.bytes_per_request} per request |

Answers by kind: \`${JSON.stringify(counts)}\`
${errors.length > 0 ? `\nUnexpected answers (first ${errors.length}):\n\n${errors.map((e) => `- \`${e}\``).join('\n')}\n${errorRecords.length > 0 ? `\nTheir audit records:\n\n${errorRecords.map((e) => `- \`${e}\``).join('\n')}\n` : ''}` : ''}
RSS samples (minute, MB): ${summary.rss_mb.samples.map(([m, mb]) => `${m}: ${mb}`).join(', ')}

Live heap samples (minute, MB): ${summary.live_heap_mb.samples.map(([m, mb]) => `${m}: ${mb}`).join(', ')}
`;
writeFileSync(join(outDir, `soak-${stamp}.md`), md);
writeFileSync(join(outDir, fleetSize > 0 ? 'latest-soak-fleet.md' : 'latest-soak.md'), md);
say(md);
process.exit(errorCount === 0 ? 0 : 1);

/** The audit records (one JSON line each, trimmed) whose request_id is one of `ids`, from every file of the dirs. */
function auditRecordsOf(ids: readonly string[], dirs: readonly string[]): string[] {
  if (ids.length === 0) return [];
  const out: string[] = [];
  for (const dir of dirs) {
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir)) {
      if (f.includes('checkpoint')) continue;
      for (const line of readFileSync(join(dir, f), 'utf8').split('\n'))
        if (ids.some((id) => line.includes(`"${id}"`))) out.push(line.length > 1500 ? `${line.slice(0, 1500)}…` : line);
    }
  }
  return out;
}
