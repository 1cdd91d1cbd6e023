// The fleet section of pnpm bench (issue 19): 1, 2 and 3 signer instances in fleet mode ([state] kind = "redis")
// sharing one redis-server, each instance on its own simulated YubiHSM2 in a process of its own; autocannon spreads its
// connections over the instances round-robin (one merged latency histogram). Zero-latency and realistic-latency
// devices, and one instance with the in-memory state (no Redis) under the same load as the reference.
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FrameTrafficStats } from '@openkms/yubihsm-sim';
import { redisCommand, startTestRedis, type TestRedis } from '@openkms/tooling/test-helpers';
import { cpuMs, round, runLoad, startChild, type Child, type LoadResult } from './load.js';
import type { BenchDemo } from './prepare-demo.js';
import { solanaBodies, type KeyView } from './request-bodies.js';
import { scrape, type Scrape } from './signer-metrics.js';

export interface FleetBenchOptions {
  readonly demo: BenchDemo;
  /** Start the signers from their built output (else from source through tsx). */
  readonly signerBuilt: boolean;
  readonly zeroSeconds: number;
  readonly realisticSeconds: number;
  /** Total connections of a zero-latency point (divisible by 1, 2 and 3). */
  readonly zeroConnections: number;
  /** Connections per instance of a realistic point (the device's session pool). */
  readonly realisticConnectionsPerInstance: number;
  readonly instances: readonly number[];
  readonly log: (...a: unknown[]) => void;
}

export interface FleetPoint {
  readonly state: 'redis' | 'memory';
  readonly latency: 'zero' | 'realistic';
  readonly instances: number;
  readonly connections: number;
  readonly seconds: number;
  readonly ok: number;
  readonly statuses: Record<string, number>;
  readonly signatures_per_second: number;
  /** Against the same device mode with one instance in fleet mode (NaN for the in-memory reference). */
  readonly scaling_vs_one: number;
  readonly latency_ms: LoadResult['latency_ms'];
  /** Signatures each instance made (its own sign-stage count), in instance order. */
  readonly per_instance: number[];
  /** Mean time of the policy stage (with Redis: the state read and the compare-and-set reservation). */
  readonly policy_stage_ms: number;
  readonly signer_cpu_pct: number[];
  readonly device_cpu_pct: number[];
  /** redis-server's CPU over the run (INFO cpu), or undefined without Redis. */
  readonly redis_cpu_pct?: number;
  /** Realistic mode: the share of the run each device spent running commands. */
  readonly device_busy_pct?: number[];
  /** Entries in the key's shared signature window at the end of the run (Redis sorted set; every decision reads it). */
  readonly window_entries_at_end?: number;
}

export interface FleetResults {
  readonly redis_server: string;
  readonly redis_settings: string;
  readonly points: FleetPoint[];
  readonly skipped?: string;
}

const LABEL = 'solana-hot-0';

interface FleetStack {
  readonly urls: string[];
  readonly signers: Child<{ url: string }>[];
  readonly devices: Child<{ urls: string[] }>[];
  traffic(): Promise<FrameTrafficStats[]>;
  stop(): Promise<void>;
}

/** `[state]` of one fleet instance (the demo config's `[state]` table replaced). */
function fleetConfig(toml: string, redisUrl: string, id: string, prefix: string): string {
  const state =
    `[state]\nfile = "state.json"\nkind = "redis"\ninstance_id = "${id}"\n\n` +
    `[state.redis]\nurl = "${redisUrl}"\nkey_prefix = "${prefix}"\nreservation_lease_secs = 60\n`;
  const next = toml.replace('[state]\nfile = "state.json"\n', state);
  if (next === toml) throw new Error('the bench config has no [state] table to replace');
  return next;
}

async function startFleetStack(o: FleetBenchOptions, n: number, latency: 'zero' | 'realistic', redis: TestRedis | undefined, tag: string): Promise<FleetStack> {
  const signers: Child<{ url: string }>[] = [];
  const devices: Child<{ urls: string[] }>[] = [];
  const dirs: string[] = [];
  const stop = async () => {
    for (const s of signers) await s.stop();
    for (const d of devices) await d.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < n; i++) {
      const id = String.fromCharCode(65 + i);
      const dir = `${o.demo.dir}-${tag}-${id}`;
      dirs.push(dir);
      cpSync(o.demo.dir, dir, { recursive: true });
      rmSync(join(dir, 'audit'), { recursive: true, force: true });
      const config = join(dir, 'config.toml');
      if (redis) writeFileSync(config, fleetConfig(readFileSync(config, 'utf8'), redis.url, id, `bench-${tag}:`));
      // each instance has a device of its own (a copy of the demo device: the same keys), in a process of its own
      const dev = await startChild<{ urls: string[] }>('device-host.ts', [join(dir, 'yubihsm-sim.json'), '1', latency]);
      devices.push(dev);
      signers.push(await startChild<{ url: string }>('signer-host.mjs', [config, JSON.stringify(dev.ready.urls)], !o.signerBuilt));
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    urls: signers.map((s) => s.ready.url),
    signers,
    devices,
    traffic: async () =>
      (await Promise.all(devices.map((d) => d.request<{ traffic: FrameTrafficStats[] }>({ type: 'traffic' }, 'traffic')))).flatMap((t) => t.traffic),
    stop,
  };
}

/** One command, or undefined when it fails (a figure of the report, never a reason to stop the run). */
const redisReply = (port: number, ...args: string[]): Promise<string | undefined> =>
  redisCommand(port, args).then(
    (v) => (v === null ? undefined : String(v)),
    () => undefined,
  );

async function redisCpuMs(port: number): Promise<number> {
  const info = await redisReply(port, 'INFO', 'cpu');
  if (info === undefined) return NaN;
  const field = (name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? NaN);
  return (field('used_cpu_sys') + field('used_cpu_user')) * 1000;
}

const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);
const pct = (ms: number, seconds: number): number => round((ms / (seconds * 1000)) * 100, 0);

async function measurePoint(
  o: FleetBenchOptions,
  redis: TestRedis | undefined,
  n: number,
  latency: 'zero' | 'realistic',
  tag: string,
  one: FleetPoint | undefined,
): Promise<FleetPoint> {
  const stack = await startFleetStack(o, n, latency, redis, tag);
  try {
    const auth = { authorization: `Bearer ${o.demo.token}` };
    const keys = (await (await fetch(new URL('/keys', stack.urls[0]), { headers: auth })).json()) as KeyView[];
    const address = keys.find((k) => k.label === LABEL)?.address;
    if (!address) throw new Error(`the bench demo has no key ${LABEL}`);
    const next = solanaBodies(LABEL, address).next;
    const connections = latency === 'zero' ? o.zeroConnections : o.realisticConnectionsPerInstance * n;
    // warm-up: sessions open, code paths compiled; then let the devices finish what is queued
    await runLoad({ base: stack.urls, path: '/sign/solana', headers: auth, next, connections, duration: latency === 'zero' ? 1 : 2 });
    for (let i = 0; i < 100 && (await stack.traffic()).some((t) => t.inFlight > 0); i++) await new Promise((r) => setTimeout(r, 100));

    const scrapes0: Scrape[] = await Promise.all(stack.urls.map((u) => scrape(u, o.demo.token)));
    const traffic0 = await stack.traffic();
    const cpu0 = [...stack.signers, ...stack.devices].map((c) => cpuMs(c.process.pid!));
    const redis0 = redis ? await redisCpuMs(redis.port) : NaN;
    const res = await runLoad({
      base: stack.urls,
      path: '/sign/solana',
      headers: auth,
      next,
      connections,
      duration: latency === 'zero' ? o.zeroSeconds : o.realisticSeconds,
    });
    const cpu1 = [...stack.signers, ...stack.devices].map((c) => cpuMs(c.process.pid!));
    const redis1 = redis ? await redisCpuMs(redis.port) : NaN;
    const traffic1 = await stack.traffic();
    const scrapes1: Scrape[] = await Promise.all(stack.urls.map((u) => scrape(u, o.demo.token)));

    const STAGE = 'openkms_sign_stage_duration_seconds';
    const count = (s: Scrape, stage: string) => s.get(`${STAGE}_count{stage="${stage}"}`) ?? 0;
    const total = (s: Scrape, stage: string) => s.get(`${STAGE}_sum{stage="${stage}"}`) ?? 0;
    const perInstance = stack.urls.map((_, i) => count(scrapes1[i]!, 'total') - count(scrapes0[i]!, 'total'));
    const policyCount = sum(stack.urls.map((_, i) => count(scrapes1[i]!, 'policy') - count(scrapes0[i]!, 'policy')));
    const policySum = sum(stack.urls.map((_, i) => total(scrapes1[i]!, 'policy') - total(scrapes0[i]!, 'policy')));
    const windowEntries = redis ? Number(await redisReply(redis.port, 'ZCARD', `bench-${tag}:k:${LABEL}:signs`)) : undefined;
    const cpuDelta = cpu1.map((v, i) => v - cpu0[i]!);
    const point: FleetPoint = {
      state: redis ? 'redis' : 'memory',
      latency,
      instances: n,
      connections,
      seconds: res.seconds,
      ok: res.ok,
      statuses: res.statuses,
      signatures_per_second: res.rps,
      // (the in-memory reference compares with nothing: NaN, shown as –)
      scaling_vs_one: !redis ? NaN : one ? round(res.rps / one.signatures_per_second, 2) : 1,
      latency_ms: res.latency_ms,
      per_instance: perInstance,
      policy_stage_ms: policyCount > 0 ? round((policySum / policyCount) * 1000, 3) : NaN,
      signer_cpu_pct: cpuDelta.slice(0, n).map((ms) => pct(ms, res.seconds)),
      device_cpu_pct: cpuDelta.slice(n).map((ms) => pct(ms, res.seconds)),
      ...(redis ? { redis_cpu_pct: pct(redis1 - redis0, res.seconds) } : {}),
      ...(latency === 'realistic'
        ? { device_busy_pct: traffic1.map((t, i) => round(((t.busyMs - traffic0[i]!.busyMs) / (res.seconds * 1000)) * 100, 1)) }
        : {}),
      ...(windowEntries !== undefined && Number.isFinite(windowEntries) ? { window_entries_at_end: windowEntries } : {}),
    };
    return point;
  } finally {
    await stack.stop();
  }
}

export async function benchFleet(o: FleetBenchOptions, redisMissing: string | undefined): Promise<FleetResults> {
  if (redisMissing) return { redis_server: '–', redis_settings: '–', points: [], skipped: redisMissing };
  const redis = await startTestRedis();
  try {
    const version = (await redisReply(redis.port, 'INFO', 'server'))?.match(/^redis_version:(\S+)/m)?.[1] ?? '?';
    const points: FleetPoint[] = [];
    let tag = 0;
    for (const latency of ['zero', 'realistic'] as const) {
      let one: FleetPoint | undefined;
      for (const n of o.instances) {
        const p = await measurePoint(o, redis, n, latency, `${latency}${n}-${tag++}`, one);
        one ??= p;
        points.push(p);
        o.log(
          `fleet ${latency} ${n} instance(s)`,
          p.signatures_per_second,
          'sig/s',
          `×${p.scaling_vs_one}`,
          `p50 ${p.latency_ms.p50} p99 ${p.latency_ms.p99} ms`,
          `policy ${p.policy_stage_ms} ms`,
          `per instance ${p.per_instance.join('/')}`,
          `cpu signers ${p.signer_cpu_pct.join('/')}% redis ${p.redis_cpu_pct}%`,
          JSON.stringify(p.statuses),
        );
      }
      if (latency === 'zero') {
        // the reference: one instance under the same load with the in-memory state
        const m = await measurePoint(o, undefined, 1, 'zero', `memory-${tag++}`, undefined);
        points.push(m);
        o.log('fleet reference: memory state, 1 instance', m.signatures_per_second, 'sig/s', `p50 ${m.latency_ms.p50} p99 ${m.latency_ms.p99} ms`);
      }
    }
    return {
      redis_server: version,
      redis_settings: 'one local redis-server, appendonly yes, appendfsync everysec, no RDB snapshots',
      points,
    };
  } finally {
    await redis.close();
  }
}
