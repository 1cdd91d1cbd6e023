// CLI start-up: wall and CPU time of `openkms --help` and `openkms token list`, and of `openkms demo` until GET /health
// answers 200, started from dist/ (up to date) and from the TypeScript sources (tsx), median of RUNS runs each. CPU
// time (user + system of the CLI process, from Linux /proc) is the figure to compare on a shared, loaded machine.
// Writes bench-results/cli-startup.json and .md. Run after `pnpm build` (turbo's bench task builds first).
// OPENKMS_BENCH_BEFORE=DIR adds rows for another checkout's `node --conditions=source --import tsx
// apps/signer/src/cli.ts` (how `pnpm openkms` started before bin/openkms.mjs), e.g. an exported older commit.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const signerDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const repo = resolve(signerDir, '../..');
const RUNS = Number(process.env.RUNS ?? 5);

const modes = [
  { name: 'dist (bin/openkms.mjs, up to date)', cwd: repo, argv: [join(signerDir, 'bin/openkms.mjs')], env: { OPENKMS_CLI_FROM: 'dist' } },
  { name: 'source (bin/openkms.mjs, tsx)', cwd: repo, argv: [join(signerDir, 'bin/openkms.mjs')], env: { OPENKMS_CLI_FROM: 'source' } },
];
if (process.env.OPENKMS_BENCH_BEFORE) {
  const before = resolve(process.env.OPENKMS_BENCH_BEFORE);
  const label = process.env.OPENKMS_BENCH_BEFORE_LABEL ?? before;
  modes.push({
    name: `before (${label}: tsx, every command imported)`,
    cwd: before,
    argv: ['--conditions=source', '--import', 'tsx', 'apps/signer/src/cli.ts'],
    env: {},
  });
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (t0) => Math.round(Number(process.hrtime.bigint() - t0) / 1e6);

/** CPU time (user + system) a live process has used so far, in ms (/proc/PID/stat fields 14 and 15, 10 ms ticks). */
function cpuMs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

// Loaded first in a measured command: when its work is done it reports its pid and waits for stdin to end, so its
// CPU time can be read while it still exists.
const HOLD = 'data:text/javascript,process.once("beforeExit",()=>{process.stderr.write("\\u0000ready\\u0000");process.stdin.resume()})';

async function timeCommand(mode, args) {
  const t0 = process.hrtime.bigint();
  const child = spawn(process.execPath, ['--import', HOLD, ...mode.argv, ...args], {
    cwd: mode.cwd,
    env: { ...process.env, ...mode.env },
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  let err = '';
  let sample;
  child.stderr.on('data', (d) => {
    err += d;
    if (sample === undefined && err.includes('\u0000ready\u0000')) {
      sample = { wall: ms(t0), cpu: cpuMs(child.pid) };
      child.stdin.end();
    }
  });
  const code = await new Promise((r) => child.on('exit', r));
  if (code !== 0 || sample === undefined) throw new Error(`${mode.name} ${args.join(' ')}: exit ${code}\n${err}`);
  return sample;
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

async function timeDemo(mode, reuse) {
  const dir = reuse ?? mkdtempSync(join(tmpdir(), 'openkms-bench-demo-'));
  const port = await freePort();
  const t0 = process.hrtime.bigint();
  const child = spawn(process.execPath, [...mode.argv, 'demo', '--dir', dir, '--listen', `127.0.0.1:${port}`], {
    cwd: mode.cwd,
    env: { ...process.env, ...mode.env },
    stdio: 'ignore',
  });
  let sample;
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${port}/health`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) {
      sample = { wall: ms(t0), cpu: cpuMs(child.pid) };
      break;
    }
    if (child.exitCode !== null || ms(t0) > 120_000) throw new Error(`${mode.name}: demo did not start`);
    await new Promise((r) => setTimeout(r, 10));
  }
  const exited = new Promise((r) => child.on('exit', (code) => r(code)));
  child.kill('SIGINT');
  const code = await exited;
  if (code !== 0) throw new Error(`${mode.name}: demo exited ${code} after SIGINT`);
  return { ...sample, dir };
}

const results = [];
for (const mode of modes) {
  await timeCommand(mode, ['--help']); // warm the file cache
  const series = { help: [], token_list: [], demo_new_dir: [], demo_reused_dir: [] };
  for (let i = 0; i < RUNS; i++) {
    series.help.push(await timeCommand(mode, ['--help']));
    series.token_list.push(await timeCommand(mode, ['token', 'list', '--file', join(tmpdir(), 'openkms-bench-none.json')]));
    const first = await timeDemo(mode);
    series.demo_new_dir.push(first);
    series.demo_reused_dir.push(await timeDemo(mode, first.dir));
    rmSync(first.dir, { recursive: true, force: true });
  }
  const row = { mode: mode.name };
  for (const [name, xs] of Object.entries(series)) {
    row[`${name}_wall_ms`] = median(xs.map((x) => x.wall));
    row[`${name}_cpu_ms`] = median(xs.map((x) => x.cpu));
  }
  results.push(row);
  console.log(row);
}

const machine = { node: process.version, cpus: cpus().length, loadavg_1m: Number(loadavg()[0].toFixed(2)), runs: RUNS, date: new Date().toISOString() };
mkdirSync(join(signerDir, 'bench-results'), { recursive: true });
writeFileSync(join(signerDir, 'bench-results/cli-startup.json'), JSON.stringify({ machine, results }, null, 2) + '\n');
const cell = (r, k) => `${r[`${k}_wall_ms`]} / ${r[`${k}_cpu_ms`]} ms`;
const md = [
  '# openkms CLI start-up',
  '',
  `Median of ${RUNS} runs; node ${machine.node}, ${machine.cpus} CPUs, 1-minute load average ${machine.loadavg_1m} at the end, ${machine.date}.`,
  'Each cell: wall time / CPU time (user + system) of the CLI process, from its start. `demo` = until `GET /health` answers',
  '200 (new dir: keys and files created; reused: an existing demo directory). On a shared machine under load the CPU',
  'time is the comparable figure (wall ≈ CPU on an idle machine). Generated by `bench/cli-startup.bench.mjs` (`pnpm bench`).',
  '',
  '| started from | `openkms --help` | `openkms token list` | `demo` ready, new dir | `demo` ready, reused dir |',
  '|---|---|---|---|---|',
  ...results.map((r) => `| ${r.mode} | ${['help', 'token_list', 'demo_new_dir', 'demo_reused_dir'].map((k) => cell(r, k)).join(' | ')} |`),
  '',
];
writeFileSync(join(signerDir, 'bench-results/cli-startup.md'), md.join('\n'));
