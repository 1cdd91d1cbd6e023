// A quick probe of the zero-latency /sign/solana path (a slice of `pnpm bench`, for profiling while working on it):
//   [PROBE_NODE_FLAGS="--max-old-space-size=128 …"] pnpm --filter @openkms/bench run probe [--cpu-prof DIR] [--rss N] [--seconds S]
// Starts the bench's demo config, one simulated device in its own process and the signer from built output (with
// --cpu-prof DIR, the signer writes a CPU profile there when it stops), then: the bare-route floor at concurrency 32,
// 400 sequential requests, S s (default 5) at concurrency 1 and 32; with --rss N instead, N signatures at
// concurrency 32 and the signer's RSS after them. Prints the figures; writes no report.
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { percentile, round, runLoad, rssMb, sequential, startChild } from './load.js';
import { prepareDemo } from './prepare-demo.js';
import { solanaBodies, type KeyView } from './request-bodies.js';
import { scrape, stageMeans } from './signer-metrics.js';

const here = dirname(fileURLToPath(import.meta.url));
const { values: args } = parseArgs({ options: { 'cpu-prof': { type: 'string' }, rss: { type: 'string' }, seconds: { type: 'string', default: '5' } } });
const floorServer = await startChild<{ port: number }>('floor-server.ts', []);
const floor = await runLoad({
  base: `http://127.0.0.1:${floorServer.ready.port}`,
  path: '/floor',
  headers: {},
  next: () => '{"label":"solana-hot-0","message_b64":"AAAA"}',
  connections: 32,
  duration: Number(args.seconds),
});
await floorServer.stop();
console.log('floor c=32', floor.rps, 'req/s');
const work = mkdtempSync(join(os.tmpdir(), 'openkms-probe-'));
const demo = await prepareDemo(join(work, 'demo'), { poolSize: 8 });
const dev = await startChild<{ urls: string[] }>('device-host.ts', [demo.simState, '1', 'zero']);
const signer = fork(join(here, 'signer-host.mjs'), [demo.config, JSON.stringify(dev.ready.urls)], {
  execArgv: [
    '--expose-gc',
    ...(process.env.PROBE_NODE_FLAGS ?? '').split(' ').filter(Boolean),
    ...(args['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', args['cpu-prof']] : []),
  ],
  stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
});
const base = await new Promise<string>((r) => signer.on('message', (m: { type: string; url: string }) => m.type === 'ready' && r(m.url)));
const auth = { authorization: `Bearer ${demo.token}` };
const keys = (await (await fetch(new URL('/keys', base), { headers: auth })).json()) as KeyView[];
const sol = solanaBodies('solana-hot-0', keys.find((k) => k.label === 'solana-hot-0')!.address);
const o = { base, path: '/sign/solana', headers: auth, next: sol.next };
console.log(
  'load average',
  os.loadavg().map((v) => round(v)),
);
try {
  if (args.rss) {
    const memory = async () => {
      signer.send({ type: 'memory' });
      const m = await new Promise<NodeJS.MemoryUsage>((res) =>
        signer.once('message', (msg: { type: string; memory: NodeJS.MemoryUsage }) => msg.type === 'memory' && res(msg.memory)),
      );
      return Object.fromEntries(Object.entries(m).map(([k, v]) => [k, round(v / 2 ** 20, 1)]));
    };
    const idle = rssMb(signer.pid!);
    const idleGc = await memory();
    const r = await runLoad({ ...o, connections: 32, amount: Number(args.rss) });
    await new Promise((res) => setTimeout(res, 500));
    console.log('rss', { ok: r.ok, idle: idle.rss, after: rssMb(signer.pid!) });
    console.log('after a full GC (MB): idle', idleGc, 'after', await memory());
  } else {
    const seq = await sequential(o, 400);
    console.log('sequential p50', round(percentile(seq.latencies, 50), 3), 'p99', round(percentile(seq.latencies, 99), 3), seq.statuses);
    for (const c of [1, 32]) {
      const m0 = await scrape(base, demo.token);
      const r = await runLoad({ ...o, connections: c, duration: Number(args.seconds) });
      const m1 = await scrape(base, demo.token);
      const s = stageMeans(m0, m1, 0);
      console.log(`c=${c}`, r.rps, 'sig/s', r.latency_ms, JSON.stringify(r.statuses), c === 32 ? `ratio to floor ${round(r.rps / floor.rps, 3)}` : '');
      console.log('  stages', Object.fromEntries(Object.entries(s).map(([k, v]) => [k, round(v, 3)])));
    }
  }
} finally {
  const exited = new Promise((r) => signer.once('exit', r));
  signer.disconnect();
  await exited;
  await dev.stop();
  rmSync(work, { recursive: true, force: true });
  console.log(
    'load average',
    os.loadavg().map((v) => round(v)),
  );
}
