/**
 * Durable append throughput of @openkms/audit at concurrency 1, 16 and 64, and fsyncs per record (group commit).
 *
 *   pnpm bench                      # writes bench-results/append.json
 *   AUDIT_BENCH_DIR=/mnt/disk pnpm bench      # measure on another filesystem
 *   AUDIT_BENCH_SECONDS=5 pnpm bench          # longer runs per level (default 2)
 */
import { mkdir, mkdtemp, rm, statfs, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openAuditLog, type AuditRecordInput } from '../src/index.js';

const LEVELS = [1, 16, 64] as const;
const seconds = Number(process.env.AUDIT_BENCH_SECONDS ?? '2');
const baseDir = process.env.AUDIT_BENCH_DIR ?? tmpdir();
const key = new Uint8Array(32).fill(42);

function record(i: number): AuditRecordInput {
  return {
    decision: 'allow',
    request_id: `bench-${i}`,
    token_name: 'bench',
    label: 'hot-wallet',
    chain: 'solana',
    network: 'devnet',
    intent: {
      chain: 'solana',
      network: 'devnet',
      signer: '9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin',
      programs: ['11111111111111111111111111111111'],
      message_types: [],
      contracts: [],
      transfers: [
        {
          asset: 'native',
          amount: String(1_000_000 + i),
          from: '9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin',
          to: '4Nd1mBQtrMJVYVfKf2PJy9NZUZdTAsp7D4xWLs4gDB4T',
          via: '11111111111111111111111111111111',
        },
      ],
      fees: [{ asset: 'native', amount: '5000' }],
      flags: [],
    },
    signed_sha256: 'ab'.repeat(32),
    signature_sha256: 'cd'.repeat(32),
    policy_version: 'bench',
    key_id: 1,
    latency_ms: 2,
  };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function runLevel(concurrency: number) {
  const dir = await mkdtemp(join(baseDir, 'openkms-audit-bench-'));
  try {
    const log = await openAuditLog({ dir, key });
    // warm-up: create the file, touch the code paths
    for (let i = 0; i < 20; i++) await log.append(record(i), { durable: true });
    const before = log.stats;
    const latencies: number[] = [];
    let next = 0;
    const deadline = performance.now() + seconds * 1000;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() < deadline) {
          const start = performance.now();
          await log.append(record(next++), { durable: true });
          latencies.push(performance.now() - start);
        }
      }),
    );
    const elapsed = (performance.now() - t0) / 1000;
    const after = log.stats;
    await log.close();
    const records = after.records - before.records;
    const fsyncs = after.fsyncs - before.fsyncs;
    latencies.sort((a, b) => a - b);
    return {
      concurrency,
      records,
      seconds: Number(elapsed.toFixed(3)),
      appends_per_second: Math.round(records / elapsed),
      fsyncs,
      fsyncs_per_record: Number((fsyncs / records).toFixed(4)),
      records_per_fsync: Number((records / fsyncs).toFixed(2)),
      bytes_per_record: Math.round((after.bytes - before.bytes) / records),
      latency_ms: {
        p50: Number(percentile(latencies, 50).toFixed(3)),
        p99: Number(percentile(latencies, 99).toFixed(3)),
        max: Number((latencies[latencies.length - 1] ?? 0).toFixed(3)),
      },
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const results = [];
for (const level of LEVELS) {
  const r = await runLevel(level);
  results.push(r);
  console.log(
    `concurrency ${String(level).padStart(2)}: ${String(r.appends_per_second).padStart(7)} durable appends/s, ` +
      `${r.fsyncs_per_record} fsyncs/record (${r.records_per_fsync} records/fsync), p50 ${r.latency_ms.p50} ms, p99 ${r.latency_ms.p99} ms`,
  );
}

const FS_NAMES: Record<number, string> = { 0xef53: 'ext4', 0x01021994: 'tmpfs', 0x58465342: 'xfs', 0x9123683e: 'btrfs', 0x794c7630: 'overlayfs' };
const fsInfo = await statfs(baseDir).catch(() => undefined);
const report = {
  benchmark: 'durable appends (append(record, { durable: true })), fdatasync group commit',
  date: new Date().toISOString(),
  node: process.version,
  platform: `${process.platform}-${process.arch}`,
  cpus: cpus().length,
  cpu_model: cpus()[0]?.model,
  dir: baseDir,
  fs_type: fsInfo ? (FS_NAMES[fsInfo.type] ?? `0x${fsInfo.type.toString(16)}`) : undefined,
  seconds_per_level: seconds,
  results,
};
const outDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'bench-results');
await mkdir(outDir, { recursive: true });
await writeFile(join(outDir, 'append.json'), JSON.stringify(report, null, 2) + '\n');
console.log(`wrote ${join(outDir, 'append.json')}`);
