#!/usr/bin/env node
// Cold start of the signer: time from spawning `openkms` until GET /health answers 200, over N runs each of
//   demo — `openkms demo` on an existing demo directory (in-process simulated YubiHSM2), and
//   run  — `openkms run --config FILE` with a normal config: the demo's keys and policies, the device reached over
//          HTTP (a separate `openkms sim` serving the demo's device state).
// Per run: wall time (ms) and the CPU time (user + system, from /proc) the signer process had used by then. On a
// shared, loaded machine CPU time is the comparable figure (wall ≈ CPU on an idle machine). Writes median, min and
// max with the machine and its load average to bench-results/cold-start.json (or --out FILE).
//
// Usage: pnpm build && node apps/signer/scripts/measure-cold-start.mjs [--runs N] [--modes demo,run] [--out FILE]
//        [--bin PATH/TO/bin/openkms.mjs] [--from dist|source]
// --bin measures another checkout (e.g. an older commit, built); --from forces dist/ (default) or the sources.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const signerDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '7' },
    modes: { type: 'string', default: 'demo,run' },
    out: { type: 'string', default: join(signerDir, 'bench-results/cold-start.json') },
    bin: { type: 'string', default: join(signerDir, 'bin/openkms.mjs') },
    from: { type: 'string', default: 'dist' },
  },
});
const RUNS = Number(args.runs);
const bin = resolve(args.bin);
const env = { ...process.env, OPENKMS_CLI_FROM: args.from };

const ms = (t0) => Math.round(Number(process.hrtime.bigint() - t0) / 1e6);
const sleep = (n) => new Promise((r) => setTimeout(r, n));
const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[Math.floor((s.length - 1) / 2)], min: s[0], max: s[s.length - 1], runs: xs };
};

/** CPU time (user + system) a live process has used so far, in ms (/proc/PID/stat fields 14 and 15, 10 ms ticks). */
function cpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null; // not Linux
  }
}

function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
    s.on('error', rej);
  });
}

// what the CLI prints once it handles Ctrl-C (right after it listens)
const STARTED = /openKMS demo signer: |openKMS signer listening on /;

function start(argv) {
  let output = '';
  const child = spawn(process.execPath, [bin, ...argv], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const keep = (d) => (output = (output + d).slice(-4000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((r) => child.on('exit', (code) => r(code)));
  return { child, exited, stderr: () => output };
}

async function stop(p) {
  for (let i = 0; i < 6000 && p.child.exitCode === null && !STARTED.test(p.stderr()); i++) await sleep(10);
  if (p.child.exitCode === null) p.child.kill('SIGINT');
  const code = await p.exited;
  if (code !== 0) throw new Error(`openkms exited ${code} after SIGINT\n${p.stderr()}`);
}

/** Spawns, polls /health every 5 ms, and returns wall and CPU time at the first 200. */
async function timeToHealth(argv, port) {
  const t0 = process.hrtime.bigint();
  const p = start(argv);
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${port}/health`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) {
      const sample = { wall: ms(t0), cpu: cpuMs(p.child.pid) };
      await stop(p);
      return sample;
    }
    if (p.child.exitCode !== null || ms(t0) > 120_000) throw new Error(`openkms ${argv[0]} did not become healthy\n${p.stderr()}`);
    await sleep(5);
  }
}

const dir = mkdtempSync(join(tmpdir(), 'openkms-cold-start-'));
const loadBefore = loadavg();
const results = {};
const modes = args.modes.split(',');
let sim;
try {
  // the demo directory (keys, tokens, audit key) is created once, outside the measurements
  const createPort = await freePort();
  await timeToHealth(['demo', '--dir', dir, '--listen', `127.0.0.1:${createPort}`], createPort);

  if (modes.includes('demo')) {
    await timeToHealth(['demo', '--dir', dir, '--listen', `127.0.0.1:${createPort}`], createPort); // warm the file cache
    const wall = [];
    const cpu = [];
    for (let i = 0; i < RUNS; i++) {
      const port = await freePort();
      const s = await timeToHealth(['demo', '--dir', dir, '--listen', `127.0.0.1:${port}`], port);
      wall.push(s.wall);
      cpu.push(s.cpu);
    }
    results.demo = { command: 'openkms demo --dir DIR (existing)', wall_ms: stats(wall), cpu_ms: stats(cpu[0] === null ? [] : cpu) };
    process.stdout.write(`demo ${JSON.stringify(results.demo)}\n`);
  }

  if (modes.includes('run')) {
    // the demo's device, served over HTTP by `openkms sim`; the demo's config pointed at it
    const simPort = await freePort();
    sim = start(['sim', '--listen', `127.0.0.1:${simPort}`, '--state', join(dir, 'yubihsm-sim.json')]);
    for (let i = 0; ; i++) {
      const up = await fetch(`http://127.0.0.1:${simPort}/connector/status`).then(
        (r) => r.ok,
        () => false,
      );
      if (up) break;
      if (sim.child.exitCode !== null || i > 2000) throw new Error(`openkms sim did not start\n${sim.stderr()}`);
      await sleep(10);
    }
    const configFile = join(dir, 'config.toml');
    const base = readFileSync(configFile, 'utf8').replace(/^(# connectors: .*|connectors = .*)$/m, `connectors = ["http://127.0.0.1:${simPort}"]`);
    const wall = [];
    const cpu = [];
    for (let i = -1; i < RUNS; i++) {
      const port = await freePort();
      writeFileSync(configFile, base.replace(/^listen = .*$/m, `listen = "127.0.0.1:${port}"`), { mode: 0o600 });
      const s = await timeToHealth(['run', '--config', configFile], port);
      if (i < 0) continue; // warm the file cache
      wall.push(s.wall);
      cpu.push(s.cpu);
    }
    results.run = { command: 'openkms run --config FILE (device over HTTP)', wall_ms: stats(wall), cpu_ms: stats(cpu[0] === null ? [] : cpu) };
    process.stdout.write(`run ${JSON.stringify(results.run)}\n`);
  }
} finally {
  if (sim) await stop(sim).catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
}

const out = {
  what: 'time from spawning openkms until GET /health answers 200 (median, min, max over the runs)',
  started_from: args.from === 'source' ? 'TypeScript sources (tsx)' : 'dist/ (pnpm build)',
  bin: bin === join(signerDir, 'bin/openkms.mjs') ? 'apps/signer/bin/openkms.mjs' : bin,
  machine: {
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpus: cpus().length,
    cpu_model: cpus()[0]?.model,
    memory_gb: Math.round(totalmem() / 2 ** 30),
    loadavg_before: loadBefore.map((x) => Number(x.toFixed(2))),
    loadavg_after: loadavg().map((x) => Number(x.toFixed(2))),
  },
  date: new Date().toISOString(),
  results,
};
mkdirSync(dirname(args.out), { recursive: true });
writeFileSync(args.out, JSON.stringify(out, null, 2) + '\n');
process.stdout.write(`wrote ${args.out}\n`);
