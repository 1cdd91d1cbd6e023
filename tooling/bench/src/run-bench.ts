// pnpm bench [--quick] [--only SECTIONS]: the signer against its floors on this machine, in one run; `--only fleet`
// (or BENCH_ONLY=fleet) runs the named sections alone (see bench-sections.ts).
//
// Processes: this one (autocannon, the orchestration), the floor server, the simulated devices (their own process,
// like hardware of their own) and the signer under test. Results: bench/results/<date>.json, <date>.md, two SVG
// charts and bench/results/latest.md (what the README links); a run of some sections only writes
// <date>-only-<sections>.{json,md} and leaves latest.md alone.
import { spawn } from 'node:child_process';
import { generateKeyPairSync, randomBytes, sign as nodeSign } from 'node:crypto';
import { closeSync, existsSync, fdatasyncSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ed25519 } from '@noble/curves/ed25519.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { CommandCode } from '@openkms/yubihsm';
import { realisticLatency, type FrameTrafficStats } from '@openkms/yubihsm-sim';
import { BENCH_SECTIONS, selectedSections, type BenchSection } from './bench-sections.js';
import { benchFleet, type FleetResults } from './fleet-bench.js';
import { cpuMs, percentile, postOnce, round, rssMb, runLoad, sequential, startChild, type Child, type LoadResult } from './load.js';
import { EVM_LABEL, prepareDemo, type BenchDemo } from './prepare-demo.js';
import { cosmosBodies, evmBodies, evmRpcBodies, solanaBodies, type BodyFactory, type KeyView } from './request-bodies.js';
import { scrape, stageMeans, type StageMeans } from './signer-metrics.js';
import { benchSoftHsm, type SoftHsmResults } from './softhsm-bench.js';
import { writeReport } from './write-report.js';
import { deploymentEnvironment, deploymentNodeFlags, redisMissing } from '@openkms/tooling/test-helpers';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../../..');
const DEPLOY_UNIT = join(repoRoot, 'apps/signer/deploy/openkms.service');
/** The shipped systemd unit: the memory measurement runs the signer with its node flags and environment. */
const deployUnit = readFileSync(DEPLOY_UNIT, 'utf8');
const quick = process.argv.includes('--quick');
const SECONDS = quick ? 2 : 5;
const CONCURRENCY = [1, 8, 32, 128] as const;
const RSS_SIGNATURES = quick ? 2_000 : 10_000;
const REALISTIC_SECONDS = quick ? 4 : 12;
const SEQUENTIAL = quick ? 100 : 400;
const POOL_SIZE = 8;
const DEVICES = [1, 2, 4] as const;
const FLEET_INSTANCES = [1, 2, 3] as const;
const FLEET_CONNECTIONS = 24; // zero-latency points: divisible by 1, 2 and 3 instances
const only = selectedSections(process.argv, process.env.BENCH_ONLY);
const runs = (s: BenchSection): boolean => only === undefined || only.includes(s);

const log = (...a: unknown[]): void => console.log(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...a);

// ---- machine -------------------------------------------------------------------------------------------------------

const machine = {
  cpu_model: os.cpus()[0]?.model ?? 'unknown',
  cores: os.cpus().length,
  node: process.version,
  platform: `${os.platform()} ${os.release()}`,
  memory_gb: round(os.totalmem() / 2 ** 30, 1),
  load_average_at_start: os.loadavg().map((v) => round(v)),
};
log('machine', machine, quick ? '(quick)' : '', only ? `sections: ${only.join(', ')}` : `sections: all (${BENCH_SECTIONS.join(', ')})`);

// ---- floors: raw in-process signing --------------------------------------------------------------------------------

function opsPerSecond(fn: () => void, ms = quick ? 400 : 1000): number {
  for (let i = 0; i < 20; i++) fn();
  let n = 0;
  const end = performance.now() + ms;
  const t0 = performance.now();
  while (performance.now() < end) {
    for (let i = 0; i < 10; i++) fn();
    n += 10;
  }
  return round(n / ((performance.now() - t0) / 1000), 0);
}

const message = randomBytes(150);
const digest = randomBytes(32);
const edKey = generateKeyPairSync('ed25519').privateKey;
const edSecret = ed25519.utils.randomSecretKey();
const k1Secret = secp256k1.utils.randomSecretKey();
const rawSigning = runs('floors')
  ? {
      ed25519_node_crypto: opsPerSecond(() => nodeSign(null, message, edKey)),
      ed25519_noble: opsPerSecond(() => ed25519.sign(message, edSecret)),
      secp256k1_noble: opsPerSecond(() => secp256k1.sign(digest, k1Secret, { prehash: false })),
    }
  : undefined;
if (rawSigning) log('raw signing (signatures/s, one thread)', rawSigning);

// ---- floors: the disk's durable write (what the audit log waits for before every answer) ---------------------------

/** write + fdatasync of one 600-byte record, alone, on the file system the bench's audit logs live on. */
function fdatasyncLatency(n = quick ? 100 : 400): { p50_ms: number; p99_ms: number } {
  const dir = mkdtempSync(join(os.tmpdir(), 'openkms-bench-fsync-'));
  const fd = openSync(join(dir, 'records'), 'a', 0o600);
  const xs: number[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      writeSync(fd, `${'x'.repeat(600)}\n`);
      fdatasyncSync(fd);
      xs.push(performance.now() - t);
    }
  } finally {
    closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  }
  return { p50_ms: round(percentile(xs, 50), 3), p99_ms: round(percentile(xs, 99), 3) };
}
const durableWrite = runs('floors') ? fdatasyncLatency() : undefined;
if (durableWrite) log('durable write (write + fdatasync)', durableWrite);

// ---- floors: the bare route ----------------------------------------------------------------------------------------

const floor: Record<number, LoadResult> = {};
if (runs('floors')) {
  const server = await startChild<{ port: number }>('floor-server.ts', []);
  const base = `http://127.0.0.1:${server.ready.port}`;
  try {
    for (const c of CONCURRENCY) {
      floor[c] = await runLoad({
        base,
        path: '/floor',
        headers: {},
        next: () => '{"label":"solana-hot-0","message_b64":"AAAA"}',
        connections: c,
        duration: SECONDS,
      });
      log(`floor c=${c}`, floor[c]!.rps, 'req/s', `p50 ${floor[c]!.latency_ms.p50} ms`);
    }
  } finally {
    await server.stop();
  }
}

// ---- floors: the bare route plus the signing path's unavoidable I/O -------------------------------------------------
// One HTTP round trip to a bare upstream in a process of its own (the device connector's place) and one durable record
// (write + fdatasync, group commit): what any signer built like this one must do per signature, with no decoding,
// policy, session crypto, signing or audit chain. The signer's distance from it is the cost of its own work.

const relayFloor: Record<number, LoadResult> = {};
if (runs('floors')) {
  const upstream = await startChild<{ port: number }>('floor-server.ts', ['upstream']);
  const dir = mkdtempSync(join(os.tmpdir(), 'openkms-bench-relay-'));
  const server = await startChild<{ port: number }>('floor-server.ts', ['relay', `http://127.0.0.1:${upstream.ready.port}/`, join(dir, 'records.jsonl')]);
  const base = `http://127.0.0.1:${server.ready.port}`;
  try {
    for (const c of [1, 32] as const) {
      relayFloor[c] = await runLoad({
        base,
        path: '/floor',
        headers: {},
        next: () => '{"label":"solana-hot-0","message_b64":"AAAA"}',
        connections: c,
        duration: SECONDS,
      });
      log(`relay floor c=${c}`, relayFloor[c]!.rps, 'req/s', `p50 ${relayFloor[c]!.latency_ms.p50} ms`);
    }
  } finally {
    await server.stop();
    await upstream.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---- the signer ----------------------------------------------------------------------------------------------------

// the signer runs from its built output when there is one (as installed), else from source through tsx
const signerBuilt = existsSync(join(repoRoot, 'apps/signer/dist/index.js'));
const work = mkdtempSync(join(os.tmpdir(), 'openkms-bench-'));
const demo = await prepareDemo(join(work, 'demo'), { poolSize: POOL_SIZE });

interface Running {
  readonly base: string;
  readonly signer: Child<{ url: string }>;
  readonly devices: Child<{ urls: string[] }>;
  traffic(): Promise<FrameTrafficStats[]>;
  stop(): Promise<void>;
}

async function startStack(
  d: BenchDemo,
  devices: number,
  latency: 'zero' | 'realistic',
  nodeFlags: readonly string[] = [],
  env: Readonly<Record<string, string>> = {},
): Promise<Running> {
  const dev = await startChild<{ urls: string[] }>('device-host.ts', [d.simState, String(devices), latency]);
  const signer = await startChild<{ url: string }>('signer-host.mjs', [d.config, JSON.stringify(dev.ready.urls)], !signerBuilt, nodeFlags, env);
  return {
    base: signer.ready.url,
    signer,
    devices: dev,
    traffic: async () => (await dev.request<{ traffic: FrameTrafficStats[] }>({ type: 'traffic' }, 'traffic')).traffic,
    async stop() {
      await signer.stop();
      await dev.stop();
    },
  };
}

interface RouteDef {
  readonly name: string;
  readonly path: string;
  readonly next: BodyFactory;
}

async function routes(base: string): Promise<{ defs: RouteDef[]; messageLength: number }> {
  const res = await fetch(new URL('/keys', base), { headers: { authorization: `Bearer ${demo.token}` } });
  const keys = (await res.json()) as KeyView[];
  const byLabel = (l: string): KeyView => {
    const k = keys.find((x) => x.label === l);
    if (!k) throw new Error(`the demo has no key ${l}`);
    return k;
  };
  const sol = solanaBodies('solana-hot-0', byLabel('solana-hot-0').address);
  return {
    messageLength: sol.messageLength,
    defs: [
      { name: '/sign/solana', path: '/sign/solana', next: sol.next },
      { name: '/sign/cosmos', path: '/sign/cosmos', next: cosmosBodies('cosmos-hub-0', byLabel('cosmos-hub-0')) },
      { name: '/sign/evm', path: '/sign/evm', next: evmBodies(EVM_LABEL) },
      { name: 'eth_signTransaction (POST /rpc/evm/local)', path: '/rpc/evm/local', next: evmRpcBodies(byLabel(EVM_LABEL).address) },
    ],
  };
}

const auth = { authorization: `Bearer ${demo.token}` };
const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);
const signFrames = (t: readonly FrameTrafficStats[]): number => sum(t.map((x) => x.frames.sessionMessage));
const deviceMs = (t: readonly FrameTrafficStats[]): number => sum(t.map((x) => x.deviceMs));

export interface ZeroPoint extends LoadResult {
  readonly concurrency: number;
  readonly ratio_to_floor: number;
  readonly signer_cpu_pct: number;
  readonly device_cpu_pct: number;
  readonly device_ms_per_signature: number;
  readonly stages_ms: StageMeans;
  /** End-to-end mean minus the pipeline's total: HTTP parsing, auth, validation, response, loopback. */
  readonly outside_pipeline_ms: number;
}

export interface ZeroRoute {
  readonly route: string;
  readonly skipped?: string;
  readonly points: ZeroPoint[];
  /** Sequential requests at concurrency 1, timed with sub-ms resolution. */
  readonly sequential?: {
    readonly n: number;
    readonly p50_ms: number;
    readonly p99_ms: number;
    readonly device_ms_per_signature: number;
    readonly host_overhead_p50_ms: number;
  };
}

/** One load point with every measurement around it. */
async function measure(stack: Running, r: RouteDef, c: number): Promise<ZeroPoint> {
  const [m0, t0] = [await scrape(stack.base, demo.token), await stack.traffic()];
  const cpu0 = [cpuMs(stack.signer.process.pid!), cpuMs(stack.devices.process.pid!)];
  const res = await runLoad({ base: stack.base, path: r.path, headers: auth, next: r.next, connections: c, duration: SECONDS });
  const cpu1 = [cpuMs(stack.signer.process.pid!), cpuMs(stack.devices.process.pid!)];
  const [m1, t1] = [await scrape(stack.base, demo.token), await stack.traffic()];
  const frames = signFrames(t1) - signFrames(t0);
  const perCommand = frames > 0 ? (deviceMs(t1) - deviceMs(t0)) / frames : NaN;
  const stages = stageMeans(m0, m1, perCommand);
  const roundStages = Object.fromEntries(Object.entries(stages).map(([k, v]) => [k, round(v, 3)])) as unknown as StageMeans;
  return {
    concurrency: c,
    ...res,
    ratio_to_floor: round(res.rps / (floor[c]?.rps ?? NaN), 3),
    signer_cpu_pct: round(((cpu1[0]! - cpu0[0]!) / (res.seconds * 1000)) * 100, 0),
    device_cpu_pct: round(((cpu1[1]! - cpu0[1]!) / (res.seconds * 1000)) * 100, 0),
    device_ms_per_signature: round(perCommand, 3),
    stages_ms: roundStages,
    outside_pipeline_ms: round(res.latency_ms.mean - stages.total, 3),
  };
}

const zero: ZeroRoute[] = [];
let messageLength = 0;
if (runs('zero')) {
  log('zero-latency mode: one simulated device, pool of', POOL_SIZE, 'sessions');
  const stack = await startStack(demo, 1, 'zero');
  try {
    const { defs, messageLength: len } = await routes(stack.base);
    messageLength = len;
    for (const r of defs) {
      const probe = await postOnce(stack.base, r.path, auth, r.next());
      if (probe.status === 404) {
        zero.push({ route: r.name, skipped: 'route not available (404)', points: [] });
        log(r.name, 'skipped: route not available');
        continue;
      }
      if (probe.status !== 200) {
        zero.push({ route: r.name, skipped: `first request answered ${probe.status}: ${probe.text.slice(0, 300)}`, points: [] });
        log(r.name, 'skipped:', probe.status, probe.text.slice(0, 300));
        continue;
      }
      const t0 = await stack.traffic();
      const seq = await sequential({ base: stack.base, path: r.path, headers: auth, next: r.next }, SEQUENTIAL);
      const t1 = await stack.traffic();
      const perSig = (deviceMs(t1) - deviceMs(t0)) / Math.max(1, signFrames(t1) - signFrames(t0));
      const p50 = percentile(seq.latencies, 50);
      const sequentialResult = {
        n: SEQUENTIAL,
        p50_ms: round(p50, 3),
        p99_ms: round(percentile(seq.latencies, 99), 3),
        device_ms_per_signature: round(perSig, 3),
        host_overhead_p50_ms: round(p50 - perSig, 3),
      };
      const points: ZeroPoint[] = [];
      for (const c of CONCURRENCY) {
        const p = await measure(stack, r, c);
        points.push(p);
        log(
          `${r.name} c=${c}`,
          p.rps,
          'sig/s',
          `p50 ${p.latency_ms.p50} p99 ${p.latency_ms.p99} ms`,
          `ratio ${p.ratio_to_floor}`,
          `cpu ${p.signer_cpu_pct}%`,
          JSON.stringify(p.statuses),
        );
      }
      zero.push({ route: r.name, points, sequential: sequentialResult });
    }
  } finally {
    await stack.stop();
  }
}

// ---- RSS after N signatures (a fresh signer) -------------------------------------------------------------------------

interface RssResult {
  signatures: number;
  ok: number;
  /** The signer's node flags for this measurement ([] = Node's defaults). */
  node_flags: string[];
  /** Other environment the signer ran with for this measurement (the shipped unit's, e.g. MALLOC_ARENA_MAX). */
  environment: Record<string, string>;
  idle_mb: number;
  after_mb: number;
  peak_mb: number;
  /** Live JS heap after a full GC, then, in the same process (what is held, beside what RSS has kept). */
  heap_used_after_gc_mb: number;
  heap_total_mb: number;
  external_mb: number;
}

async function measureRss(nodeFlags: readonly string[], env: Readonly<Record<string, string>> = {}): Promise<RssResult> {
  const stack = await startStack(demo, 1, 'zero', nodeFlags, env);
  try {
    const { defs } = await routes(stack.base);
    const idle = rssMb(stack.signer.process.pid!);
    const res = await runLoad({ base: stack.base, path: defs[0]!.path, headers: auth, next: defs[0]!.next, connections: 32, amount: RSS_SIGNATURES });
    await new Promise((r) => setTimeout(r, 500));
    const after = rssMb(stack.signer.process.pid!);
    const mem = (await stack.signer.request<{ memory: NodeJS.MemoryUsage }>({ type: 'memory' }, 'memory')).memory;
    const mb = (b: number): number => round(b / 2 ** 20, 1);
    const out: RssResult = {
      signatures: RSS_SIGNATURES,
      ok: res.ok,
      node_flags: [...nodeFlags],
      environment: { ...env },
      idle_mb: idle.rss,
      after_mb: after.rss,
      peak_mb: after.peak,
      heap_used_after_gc_mb: mb(mem.heapUsed),
      heap_total_mb: mb(mem.heapTotal),
      external_mb: mb(mem.external + mem.arrayBuffers),
    };
    log('RSS', out);
    return out;
  } finally {
    await stack.stop();
  }
}

// with Node's default heap settings V8 keeps the heap it grew under load; the shipped unit caps it
const rss = runs('rss')
  ? {
      node_defaults: await measureRss([]),
      deployment: await measureRss(deploymentNodeFlags(deployUnit), deploymentEnvironment(deployUnit)),
    }
  : undefined;

// ---- realistic latency: 1, 2, 4 devices ------------------------------------------------------------------------------

const model = realisticLatency();
const deviceMsPerSignature = () => model.costMs({ command: CommandCode.signEddsa, payloadLength: 2 + messageLength, inSession: true });
interface RealisticPoint {
  readonly devices: number;
  readonly concurrency: number;
  readonly seconds: number;
  readonly ok: number;
  readonly statuses: Record<string, number>;
  readonly signatures_per_second: number;
  readonly per_device: number;
  readonly device_bound_rate: number;
  readonly fraction_of_device_bound: number;
  readonly scaling_vs_one: number;
  /** Share of the run each device spent running commands: the host's part is hidden when this is ~100%. */
  readonly device_busy_pct: number[];
  /** What the simulated device actually took per signature (its timers overshoot on a loaded machine). */
  readonly device_ms_per_signature_measured: number;
  readonly latency_ms: LoadResult['latency_ms'];
}
const realistic: RealisticPoint[] = [];
for (const n of runs('realistic') ? DEVICES : []) {
  const stack = await startStack(demo, n, 'realistic');
  try {
    const { defs, messageLength: len } = await routes(stack.base);
    messageLength = len;
    const c = POOL_SIZE * n;
    await runLoad({ base: stack.base, path: defs[0]!.path, headers: auth, next: defs[0]!.next, connections: c, duration: quick ? 1 : 2 }); // sessions open
    // the warm-up's last requests are still queued at the devices (about a second of device time each): let them
    // finish, or the measured run starts behind them
    for (let i = 0; i < 100 && (await stack.traffic()).some((t) => t.inFlight > 0); i++) await new Promise((r) => setTimeout(r, 100));
    const t0 = await stack.traffic();
    const res = await runLoad({ base: stack.base, path: defs[0]!.path, headers: auth, next: defs[0]!.next, connections: c, duration: REALISTIC_SECONDS });
    const t1 = await stack.traffic();
    const bound = 1000 / deviceMsPerSignature();
    const perDevice = res.rps / n;
    const point: RealisticPoint = {
      devices: n,
      concurrency: c,
      seconds: res.seconds,
      ok: res.ok,
      statuses: res.statuses,
      signatures_per_second: res.rps,
      per_device: round(perDevice),
      device_bound_rate: round(bound),
      fraction_of_device_bound: round(perDevice / bound, 3),
      scaling_vs_one: realistic.length > 0 ? round(res.rps / realistic[0]!.signatures_per_second, 2) : 1,
      device_busy_pct: t1.map((t, i) => round(((t.busyMs - t0[i]!.busyMs) / (res.seconds * 1000)) * 100, 1)),
      device_ms_per_signature_measured: round(sum(t1.map((t, i) => t.busyMs - t0[i]!.busyMs)) / Math.max(1, signFrames(t1) - signFrames(t0)), 1),
      latency_ms: res.latency_ms,
    };
    realistic.push(point);
    log(
      `realistic ${n} device(s)`,
      point.signatures_per_second,
      'sig/s',
      `${point.fraction_of_device_bound} of device-bound`,
      `busy ${point.device_busy_pct.join('/')}%`,
    );
  } finally {
    await stack.stop();
  }
}

// ---- cold start from the built package -----------------------------------------------------------------------------

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

async function coldStart(dir: string): Promise<{ ms: number } | { error: string }> {
  const port = await freePort();
  const t0 = performance.now();
  const child = spawn(process.execPath, [join(repoRoot, 'apps/signer/bin/openkms.mjs'), 'demo', '--dir', dir, '--listen', `127.0.0.1:${port}`], {
    env: { ...process.env, OPENKMS_CLI_FROM: 'dist' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  try {
    while (performance.now() - t0 < 30_000) {
      if (child.exitCode !== null) return { error: `exited ${child.exitCode}: ${stderr.slice(0, 300)}` };
      try {
        const res = await fetch(`http://127.0.0.1:${port}/health`);
        if (res.status === 200) return { ms: round(performance.now() - t0, 0) };
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    return { error: 'no ready /health within 30 s' };
  } finally {
    // a child that already exited fires no more 'exit': waiting for one would leave the run hanging (exit 13)
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
  }
}

let cold: { node_baseline_ms: number; first_start_ms?: number; start_ms?: number; error?: string } | undefined;
if (runs('cold')) {
  const t0 = performance.now();
  await new Promise((r) => spawn(process.execPath, ['-e', '0']).once('exit', r));
  const nodeBaseline = round(performance.now() - t0, 0);
  if (!signerBuilt) {
    cold = { node_baseline_ms: nodeBaseline, error: 'apps/signer is not built (run pnpm build; `pnpm bench` does)' };
  } else {
    const dir = join(work, 'cold');
    const first = await coldStart(dir);
    const runs: number[] = [];
    let error: string | undefined = 'error' in first ? first.error : undefined;
    for (let i = 0; i < 3 && !error; i++) {
      const r = await coldStart(dir);
      if ('error' in r) error = r.error;
      else runs.push(r.ms);
    }
    cold = {
      node_baseline_ms: nodeBaseline,
      ...('ms' in first ? { first_start_ms: first.ms } : {}),
      ...(runs.length > 0 ? { start_ms: percentile(runs, 50) } : {}),
      ...(error ? { error } : {}),
    };
  }
  log('cold start', cold);
}

// ---- SoftHSM2 (PKCS#11 backend) -------------------------------------------------------------------------------------

let softhsm: SoftHsmResults | undefined;
if (runs('softhsm')) {
  log('SoftHSM2: the PKCS#11 backend on a SoftHSM2 token');
  softhsm = await benchSoftHsm({
    demo,
    signerBuilt,
    seconds: SECONDS,
    concurrency: [1, 8, 32],
    sequential: SEQUENTIAL,
    poolSize: POOL_SIZE,
    log,
  });
  if (softhsm.skipped) log('SoftHSM2 skipped:', softhsm.skipped);
}

// ---- fleet: 1, 2, 3 instances sharing one Redis ----------------------------------------------------------------------

let fleet: FleetResults | undefined;
if (runs('fleet')) {
  log('fleet mode: instances sharing one redis-server, each on its own simulated device');
  fleet = await benchFleet(
    {
      demo,
      signerBuilt,
      zeroSeconds: SECONDS,
      realisticSeconds: REALISTIC_SECONDS,
      zeroConnections: FLEET_CONNECTIONS,
      realisticConnectionsPerInstance: POOL_SIZE,
      instances: FLEET_INSTANCES,
      log,
    },
    redisMissing(),
  );
  if (fleet.skipped) log('fleet skipped:', fleet.skipped);
}

rmSync(work, { recursive: true, force: true });

// ---- report ----------------------------------------------------------------------------------------------------------

const results = {
  benchmark: 'openKMS signer vs its floors (pnpm bench)',
  date: new Date().toISOString(),
  quick,
  /** The sections this run measured (`--only`), or every one. */
  sections: only ?? [...BENCH_SECTIONS],
  machine: { ...machine, load_average_at_end: os.loadavg().map((v) => round(v)) },
  settings: {
    seconds_per_point: SECONDS,
    concurrency: CONCURRENCY,
    pool_size: POOL_SIZE,
    signer_from: signerBuilt ? 'built output (dist/)' : 'TypeScript sources through tsx (not built: memory and start-up figures are inflated)',
    audit: 'durable (fdatasync, group commit) before every response',
    devices: 'simulated YubiHSM2s behind connector HTTP servers, in a process of their own',
    solana_message_bytes: messageLength,
    sequential_requests: SEQUENTIAL,
    realistic_seconds: REALISTIC_SECONDS,
    fleet_connections_zero_latency: FLEET_CONNECTIONS,
  },
  floors:
    rawSigning && durableWrite
      ? {
          raw_signing_per_second: rawSigning,
          durable_write: durableWrite,
          bare_route: CONCURRENCY.filter((c) => floor[c]).map((c) => ({ concurrency: c, ...floor[c]! })),
          relay_route: ([1, 32] as const).filter((c) => relayFloor[c]).map((c) => ({ concurrency: c, ...relayFloor[c]! })),
        }
      : undefined,
  zero_latency: zero,
  rss,
  realistic: { device_ms_per_signature: deviceMsPerSignature(), points: realistic },
  cold_start: cold,
  softhsm,
  fleet,
};
const outDir = join(repoRoot, 'bench/results');
mkdirSync(outDir, { recursive: true });
const files = writeReport(outDir, results);
log('wrote', files.map((f) => f.replace(repoRoot + '/', '')).join(', '));
export type BenchResults = typeof results;
