// Load generation (autocannon, in the bench's own process) and the measurements taken around it.
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import type { BodyFactory } from './request-bodies.js';

const here = dirname(fileURLToPath(import.meta.url));

export interface LoadResult {
  readonly seconds: number;
  readonly requests: number;
  readonly ok: number;
  readonly statuses: Record<string, number>;
  readonly errors: number;
  /** Successful responses per second. */
  readonly rps: number;
  /** autocannon's latency percentiles (ms; its histogram has 1 ms resolution). */
  readonly latency_ms: { readonly p50: number; readonly p99: number; readonly max: number; readonly mean: number };
}

export interface LoadOptions {
  /** One signer, or several: autocannon spreads the connections over them round-robin (one merged histogram). */
  readonly base: string | readonly string[];
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly next: BodyFactory;
  readonly connections: number;
  /** Seconds, or… */
  readonly duration?: number;
  /** …a number of requests. */
  readonly amount?: number;
}

export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const started = performance.now();
  const r = await autocannon({
    // autocannon takes an array of URLs too (connection i goes to url[i % n]); its types say string only
    url: (typeof o.base === 'string' ? o.base : [...o.base]) as string,
    connections: o.connections,
    pipelining: 1,
    timeout: 30,
    ...(o.amount !== undefined ? { amount: o.amount } : { duration: o.duration ?? 5 }),
    requests: [
      {
        method: 'POST',
        path: o.path,
        headers: { 'content-type': 'application/json', ...o.headers },
        setupRequest: (req) => ({ ...req, body: o.next() }),
      },
    ],
  });
  // autocannon's own run time (first request to last answer); the wall time around the call adds its set-up
  const seconds = r.duration > 0 ? r.duration : (performance.now() - started) / 1000;
  const statuses: Record<string, number> = {};
  for (const [code, v] of Object.entries((r as unknown as { statusCodeStats?: Record<string, { count: number }> }).statusCodeStats ?? {}))
    statuses[code] = v.count;
  const ok = statuses['200'] ?? r['2xx'];
  const requests = Object.values(statuses).reduce((a, b) => a + b, 0);
  return {
    seconds: round(seconds),
    requests,
    ok,
    statuses,
    errors: r.errors + r.timeouts,
    rps: round(ok / seconds),
    latency_ms: { p50: r.latency.p50, p99: r.latency.p99, max: r.latency.max, mean: round(r.latency.average) },
  };
}

/** Sequential requests on one keep-alive connection, timed with sub-millisecond resolution. */
export async function sequential(
  o: Omit<LoadOptions, 'connections' | 'duration' | 'amount' | 'base'> & { readonly base: string },
  n: number,
): Promise<{ latencies: number[]; statuses: Record<string, number> }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const url = new URL(o.path, o.base);
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  try {
    for (let i = 0; i < n; i++) {
      const body = o.next();
      const t0 = performance.now();
      const status = await new Promise<number>((resolve, reject) => {
        const req = http.request(
          url,
          { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...o.headers } },
          (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
            res.on('error', reject);
          },
        );
        req.on('error', reject);
        req.end(body);
      });
      latencies.push(performance.now() - t0);
      statuses[status] = (statuses[status] ?? 0) + 1;
    }
  } finally {
    agent.destroy();
  }
  return { latencies, statuses };
}

export async function postOnce(base: string, path: string, headers: Record<string, string>, body: string): Promise<{ status: number; text: string }> {
  const res = await fetch(new URL(path, base), { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  return { status: res.status, text: await res.text() };
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export function round(v: number, digits = 2): number {
  return Number.isFinite(v) ? Number(v.toFixed(digits)) : v;
}

// ---- child processes ---------------------------------------------------------------------------------------------

export interface Child<T> {
  readonly process: ChildProcess;
  readonly ready: T;
  request<R>(message: { type: string }, reply: string): Promise<R>;
  stop(): Promise<void>;
}

/**
 * Forks one of this package's scripts and waits for its `ready` message. `fromSource` (default true): through tsx with
 * the `source` export condition (workspace packages from their TypeScript); false: plain Node on built output.
 */
export async function startChild<T>(
  script: string,
  args: readonly string[],
  fromSource = true,
  nodeFlags: readonly string[] = [],
  env: Readonly<Record<string, string>> = {},
): Promise<Child<T>> {
  const child = fork(join(here, script), [...args], {
    env: { ...process.env, ...env },
    execArgv: [...(fromSource ? ['--conditions=source', '--import', 'tsx'] : []), '--expose-gc', ...nodeFlags],
    // BENCH_CHILD_OUTPUT=1 shows the children's stdout (the signer's log) for debugging
    stdio: ['ignore', process.env.BENCH_CHILD_OUTPUT === '1' ? 'inherit' : 'ignore', 'inherit', 'ipc'],
  });
  let stopping = false;
  child.once('exit', (code, signal) => {
    if (!stopping) console.error(`[bench] ${script} exited unexpectedly (${signal ?? `code ${code}`})`);
  });
  const ready = await new Promise<T>((resolve, reject) => {
    const onExit = (code: number | null): void => reject(new Error(`${script} exited (${code}) before it was ready`));
    child.once('exit', onExit);
    child.on('message', (m: { type: string }) => {
      if (m.type === 'ready') {
        child.off('exit', onExit);
        resolve(m as T);
      }
    });
  });
  return {
    process: child,
    ready,
    request<R>(message: { type: string }, reply: string): Promise<R> {
      return new Promise<R>((resolve) => {
        const on = (m: { type: string }): void => {
          if (m.type !== reply) return;
          child.off('message', on);
          resolve(m as R);
        };
        child.on('message', on);
        child.send(message);
      });
    },
    async stop() {
      stopping = true;
      if (child.exitCode !== null || child.signalCode !== null || !child.connected) {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        return;
      }
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.disconnect();
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** CPU time (user + system) a process has used so far, in ms (Linux /proc). */
export function cpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in clock ticks (100 Hz)
  } catch {
    return NaN;
  }
}

/** Resident set size and its peak (MB) of a process (Linux /proc). */
export function rssMb(pid: number): { rss: number; peak: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rss: round(kb('VmRSS') / 1024, 1), peak: round(kb('VmHWM') / 1024, 1) };
  } catch {
    return { rss: NaN, peak: NaN };
  }
}
