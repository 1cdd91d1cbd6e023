// The "compared with the previous run" section of a full report: every headline figure of this run beside the same
// figure of the previous full run (the JSON that latest.md linked before this run replaced it), with the change and a
// flag where it moved the wrong way by more than the noise threshold. The explanation of a flagged regression is
// written by hand in bench/ANALYSIS.md: a machine cannot tell a slower machine from slower code, so the floors (bare
// route, relay floor, raw signing) are compared first — when they moved as much, the machine did.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchResults } from './run-bench.js';

/** A change worse than this share is flagged; 5 s points on a shared 2-core machine move ~5–10% between runs. */
export const REGRESSION_THRESHOLD = 0.1;

export interface Figure {
  readonly group: string;
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  /** true: more is better (throughput); false: less is better (latency, memory). */
  readonly higherIsBetter: boolean;
}

export interface ComparedFigure extends Figure {
  readonly previous: number;
  /** (value − previous) / previous */
  readonly change: number;
  readonly regression: boolean;
  readonly improvement: boolean;
}

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** The figures of a run that another run can be compared on, keyed by group + name. */
export function headlineFigures(r: BenchResults): Figure[] {
  const out: Figure[] = [];
  const add = (group: string, name: string, value: unknown, unit: string, higherIsBetter: boolean): void => {
    if (finite(value)) out.push({ group, name, value, unit, higherIsBetter });
  };
  const fl = r.floors;
  if (fl) {
    for (const b of fl.bare_route) add('floors', `bare route c=${b.concurrency}`, b.rps, 'req/s', true);
    for (const b of fl.relay_route ?? []) add('floors', `relay floor c=${b.concurrency}`, b.rps, 'req/s', true);
    add('floors', 'raw Ed25519 (node:crypto)', fl.raw_signing_per_second.ed25519_node_crypto, '/s', true);
    add('floors', 'raw secp256k1 (@noble/curves)', fl.raw_signing_per_second.secp256k1_noble, '/s', true);
    add('floors', 'durable write p50', fl.durable_write.p50_ms, 'ms', false);
  }
  for (const z of r.zero_latency ?? []) {
    if (z.skipped) continue;
    for (const p of z.points) {
      add('zero-latency device', `${z.route} c=${p.concurrency}`, p.rps, 'sig/s', true);
      add('zero-latency device', `${z.route} c=${p.concurrency} p99`, p.latency_ms.p99, 'ms', false);
    }
    if (z.sequential) add('zero-latency device', `${z.route} host overhead p50 (c=1)`, z.sequential.host_overhead_p50_ms, 'ms', false);
  }
  for (const p of r.realistic?.points ?? []) add('realistic device', `${p.devices} device(s)`, p.signatures_per_second, 'sig/s', true);
  if (r.rss) {
    add('memory and start-up', `RSS after ${r.rss.deployment.signatures} signatures (unit's heap caps)`, r.rss.deployment.after_mb, 'MB', false);
    add('memory and start-up', "live heap after GC (unit's heap caps)", r.rss.deployment.heap_used_after_gc_mb, 'MB', false);
    add('memory and start-up', `RSS after ${r.rss.node_defaults.signatures} signatures (Node defaults)`, r.rss.node_defaults.after_mb, 'MB', false);
  }
  if (r.cold_start) add('memory and start-up', 'cold start to a ready /health', r.cold_start.start_ms, 'ms', false);
  const s = r.softhsm;
  if (s && !s.skipped) for (const route of s.routes) for (const p of route.points) add('SoftHSM2', `${route.route} c=${p.concurrency}`, p.rps, 'sig/s', true);
  const fleet = r.fleet;
  if (fleet && !fleet.skipped)
    for (const p of fleet.points) {
      const name = `${p.latency} devices, ${p.state}, ${p.instances} instance(s)`;
      add('fleet', name, p.signatures_per_second, 'sig/s', true);
      add('fleet', `${name} policy stage`, p.policy_stage_ms, 'ms', false);
    }
  return out;
}

export function compareRuns(previous: BenchResults, current: BenchResults, threshold = REGRESSION_THRESHOLD): ComparedFigure[] {
  const before = new Map(headlineFigures(previous).map((x) => [`${x.group}\u0000${x.name}`, x.value]));
  const out: ComparedFigure[] = [];
  for (const x of headlineFigures(current)) {
    const prev = before.get(`${x.group}\u0000${x.name}`);
    if (prev === undefined || prev === 0) continue;
    const change = (x.value - prev) / prev;
    const worse = x.higherIsBetter ? -change : change;
    out.push({ ...x, previous: prev, change, regression: worse > threshold, improvement: -worse > threshold });
  }
  return out;
}

/** The previous full run: the JSON that `latest.md` links (read before this run overwrites anything). */
export function previousFullRun(dir: string): { readonly stem: string; readonly results: BenchResults } | undefined {
  const latest = join(dir, 'latest.md');
  if (!existsSync(latest)) return undefined;
  const link = /JSON: \[`([^`]+)\.json`\]/.exec(readFileSync(latest, 'utf8'));
  if (!link) return undefined;
  const json = join(dir, `${link[1]}.json`);
  if (!existsSync(json)) return undefined;
  try {
    return { stem: link[1]!, results: JSON.parse(readFileSync(json, 'utf8')) as BenchResults };
  } catch {
    return undefined;
  }
}

const pct = (v: number): string => `${v >= 0 ? '+' : '−'}${Math.abs(v * 100).toFixed(1)}%`;
const num = (v: number): string => String(Number(v.toFixed(v >= 100 ? 0 : v >= 10 ? 1 : 3)));

export function comparisonSection(lines: string[], previous: { readonly stem: string; readonly results: BenchResults }, current: BenchResults): void {
  const rows = compareRuns(previous.results, current);
  const p = previous.results;
  lines.push('## Compared with the previous run');
  lines.push('');
  lines.push(
    `Previous full run: ${p.date.slice(0, 16).replace('T', ' ')} UTC ([\`${previous.stem}.json\`](${previous.stem}.json)), ${p.machine.cpu_model}, ${p.machine.cores} cores, load average ${p.machine.load_average_at_start.join(' / ')} at its start (this run: ${current.machine.load_average_at_start.join(' / ')}). A change worse than ${REGRESSION_THRESHOLD * 100}% is flagged **regression**; the floors come first: when they moved as much, the machine did, not the code. Each flagged row is explained in [\`bench/ANALYSIS.md\`](../ANALYSIS.md).`,
  );
  lines.push('');
  const flagged = rows.filter((x) => x.regression);
  lines.push(
    flagged.length === 0
      ? `No figure moved the wrong way by more than ${REGRESSION_THRESHOLD * 100}% (${rows.length} compared; ${rows.filter((x) => x.improvement).length} improved by more).`
      : `${flagged.length} of ${rows.length} figures moved the wrong way by more than ${REGRESSION_THRESHOLD * 100}%; ${rows.filter((x) => x.improvement).length} improved by more.`,
  );
  lines.push('');
  lines.push('| group | figure | previous | now | change | |');
  lines.push('|---|---|---|---|---|---|');
  for (const x of rows)
    lines.push(
      `| ${x.group} | ${x.name} | ${num(x.previous)} ${x.unit} | ${num(x.value)} ${x.unit} | ${pct(x.change)} | ${x.regression ? '**regression**' : x.improvement ? 'better' : ''} |`,
    );
  lines.push('');
}
