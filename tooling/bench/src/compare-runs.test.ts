import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compareRuns, headlineFigures, previousFullRun } from './compare-runs.js';
import type { BenchResults } from './run-bench.js';
import { writeReport } from './write-report.js';

// a committed full run is the fixture: the comparison must read the real report shape
const RESULTS = join(dirname(fileURLToPath(import.meta.url)), '../../../bench/results');
const committed = (): BenchResults => JSON.parse(readFileSync(join(RESULTS, '2026-11-30.json'), 'utf8')) as BenchResults;

test('every section of a full run yields comparable figures', () => {
  const groups = new Set(headlineFigures(committed()).map((x) => x.group));
  for (const g of ['floors', 'zero-latency device', 'realistic device', 'memory and start-up', 'SoftHSM2', 'fleet']) assert.ok(groups.has(g), g);
});

test('a figure that moved the wrong way by more than 10% is a regression; throughput and latency in their own directions', () => {
  const before = committed();
  const after = committed();
  const solana = after.zero_latency.find((z) => z.route === '/sign/solana')!;
  const c32 = solana.points.find((p) => p.concurrency === 32)!;
  (c32 as { rps: number }).rps = c32.rps * 0.8; // slower
  (after.rss!.deployment as { after_mb: number }).after_mb = before.rss!.deployment.after_mb * 0.7; // smaller
  (after.cold_start as { start_ms: number }).start_ms = before.cold_start!.start_ms! * 1.05; // within the noise
  const rows = compareRuns(before, after);
  const row = (name: string) => rows.find((x) => x.name === name)!;
  assert.equal(row('/sign/solana c=32').regression, true);
  assert.ok(Math.abs(row('/sign/solana c=32').change + 0.2) < 1e-9);
  assert.equal(row(`RSS after ${before.rss!.deployment.signatures} signatures (unit's heap caps)`).improvement, true);
  assert.equal(row('cold start to a ready /health').regression, false);
  assert.equal(rows.filter((x) => x.regression).length, 1, 'an unchanged run flags nothing else');
});

test('a full report names the previous run and keeps its JSON when it ran on the same day', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bench-compare-'));
  try {
    // the committed 30 November run as the previous one, whatever latest.md links today
    cpSync(join(RESULTS, '2026-11-30.json'), join(dir, '2026-11-30.json'));
    writeFileSync(join(dir, 'latest.md'), '# openKMS benchmark\n\nSetup: … JSON: [`2026-11-30.json`](2026-11-30.json).\n');
    assert.equal(previousFullRun(dir)?.stem, '2026-11-30');
    const next = { ...committed(), date: '2026-11-30T23:59:00.000Z' };
    writeReport(dir, next);
    assert.ok(readdirSync(dir).includes('2026-11-30.json'), 'the previous JSON is not overwritten');
    const latest = readFileSync(join(dir, 'latest.md'), 'utf8');
    assert.match(latest, /## Compared with the previous run/);
    assert.match(latest, /\(\[`2026-11-30\.json`\]\(2026-11-30\.json\)\)/);
    assert.match(latest, /JSON: \[`2026-11-30-2359\.json`\]/);
    assert.equal(previousFullRun(dir)?.stem, '2026-11-30-2359', 'the next run compares with this one');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
