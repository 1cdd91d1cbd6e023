// A node:test reporter beside the spec one (`pnpm test:reliability` runs both): it turns the run into a markdown summary
// — the machine and its load, the profile (which RELIABILITY_* knobs were set), every test with its result and time,
// and the figures each test file printed — that `pnpm test:reliability` writes to results/latest-suite.md.
import { cpus, loadavg, totalmem } from 'node:os';
import { basename } from 'node:path';

export interface SuiteEvent {
  readonly type: string;
  readonly data: {
    readonly name?: string;
    readonly file?: string;
    readonly nesting?: number;
    readonly skip?: string | boolean;
    readonly todo?: string | boolean;
    readonly message?: string;
    readonly details?: { readonly duration_ms?: number; readonly error?: { readonly message?: string; readonly cause?: unknown } };
  };
}

/** The knobs of the full profile; anything else set is a shorter (or longer) profile and the summary says so. */
export const FULL_PROFILE: Readonly<Record<string, string>> = {
  RELIABILITY_CRASH_CYCLES: '20',
  RELIABILITY_FLEET_KILLS: '20',
  RELIABILITY_REDIS_OUTAGES: '3',
  RELIABILITY_PARTITIONS: '2',
  RELIABILITY_REPLAY_CRASHES: '10',
  RELIABILITY_FUZZ_N: '100000',
};

interface Row {
  readonly file: string;
  readonly name: string;
  readonly result: 'pass' | 'fail' | 'skip';
  readonly ms: number;
  readonly note: string;
}

const MAX_LINES_PER_FILE = 40;
const MAX_LINE = 4000;

export function summarise(
  events: readonly SuiteEvent[],
  facts: { readonly startedAt: Date; readonly endedAt: Date; readonly loadAtStart: readonly number[]; readonly loadAtEnd: readonly number[] },
  env: NodeJS.ProcessEnv,
): string {
  const rows: Row[] = [];
  const printed = new Map<string, string[]>();
  for (const ev of events) {
    const file = ev.data.file ? basename(ev.data.file) : '?';
    if (ev.type === 'test:stdout' && ev.data.message) {
      const lines = printed.get(file) ?? [];
      for (const line of ev.data.message.split('\n')) if (line.trim()) lines.push(line.length > MAX_LINE ? `${line.slice(0, MAX_LINE)}…` : line);
      printed.set(file, lines);
    }
    if ((ev.type === 'test:pass' || ev.type === 'test:fail') && ev.data.nesting === 0 && ev.data.name && ev.data.file) {
      const skipped = ev.data.skip !== undefined && ev.data.skip !== false;
      const reason = typeof ev.data.skip === 'string' ? ev.data.skip : '';
      const failure = ev.type === 'test:fail' ? (ev.data.details?.error?.message ?? '').split('\n')[0]!.slice(0, 300) : '';
      rows.push({
        file,
        name: ev.data.name,
        result: skipped ? 'skip' : ev.type === 'test:pass' ? 'pass' : 'fail',
        ms: ev.data.details?.duration_ms ?? 0,
        note: reason || failure,
      });
    }
  }
  const overrides = Object.keys(env)
    .filter((k) => k.startsWith('RELIABILITY_') && k !== 'RELIABILITY_RESULTS')
    .sort()
    .map((k) => `${k}=${env[k]}`);
  const full = Object.entries(FULL_PROFILE).every(([k, v]) => env[k] === undefined || env[k] === v) && !env.RELIABILITY_SEED;
  const count = (r: Row['result']) => rows.filter((x) => x.result === r).length;
  const cpu = cpus();
  const out: string[] = [];
  out.push(`# Reliability suite — ${facts.startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC`);
  out.push('');
  out.push(
    `Machine: **${cpu[0]?.model.trim() ?? '?'}**, ${cpu.length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GB, ${process.platform} ${process.arch}, Node ${process.version}. Load average (1/5/15 min) ${facts.loadAtStart.map((v) => v.toFixed(2)).join(' / ')} at the start, ${facts.loadAtEnd.map((v) => v.toFixed(2)).join(' / ')} at the end.`,
  );
  out.push('');
  out.push(
    `Profile: ${full ? '**full** (the defaults: 20 crash cycles, 20 fleet kills, 3 Redis outages, 2 partitions, 10 replay-crash rounds, a 100,000-request fuzz)' : '**not the full one**'}${overrides.length ? `; set: \`${overrides.join(' ')}\`` : ''}.`,
  );
  out.push('');
  const minutes = (facts.endedAt.getTime() - facts.startedAt.getTime()) / 60000;
  out.push(`Result: **${count('pass')} passed, ${count('fail')} failed, ${count('skip')} skipped** in ${minutes.toFixed(1)} min.`);
  out.push('');
  out.push('| file | test | result | time | note |');
  out.push('|---|---|---|---|---|');
  const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  for (const r of rows)
    out.push(`| ${r.file} | ${cell(r.name)} | ${r.result === 'fail' ? '**fail**' : r.result} | ${(r.ms / 1000).toFixed(1)} s | ${cell(r.note)} |`);
  out.push('');
  out.push('## What the tests printed');
  out.push('');
  for (const [file, lines] of [...printed].sort(([a], [b]) => a.localeCompare(b))) {
    out.push(`### ${file}`);
    out.push('');
    out.push('```');
    out.push(...lines.slice(0, MAX_LINES_PER_FILE));
    if (lines.length > MAX_LINES_PER_FILE) out.push(`… ${lines.length - MAX_LINES_PER_FILE} more lines`);
    out.push('```');
    out.push('');
  }
  return out.join('\n');
}

/** The reporter node:test loads (through `suite-reporter.mjs`): it yields the markdown once, at the end. */
export default async function* suiteReporter(source: AsyncIterable<SuiteEvent>): AsyncGenerator<string> {
  const startedAt = new Date();
  const loadAtStart = loadavg();
  const events: SuiteEvent[] = [];
  for await (const ev of source) if (ev.type === 'test:pass' || ev.type === 'test:fail' || ev.type === 'test:stdout') events.push(ev);
  yield summarise(events, { startedAt, endedAt: new Date(), loadAtStart, loadAtEnd: loadavg() }, process.env) + '\n';
}
