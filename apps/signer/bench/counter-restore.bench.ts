// Startup cost of rebuilding the policy counters, against the size of the audit log: reading the last 25 h of the
// log (what the signer did before checkpoints, and still does when the checkpoint is missing or fails to verify)
// versus the counter checkpoint plus the records after it. Run:
//   node --conditions=source --import tsx apps/signer/bench/counter-restore.bench.ts [records…]
// Results go to bench-results/counter-restore.json.
import { mkdirSync, mkdtempSync, rmSync, statSync, unlinkSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHECKPOINT_FILE_NAME, openAuditLog, type AuditRecordInput } from '@openkms/audit';
import { MemoryPolicyStateStore, PolicyEngine } from '@openkms/policy';
import { CounterCheckpointer, restoreCounters } from '../src/runtime/counter-checkpoint.js';

const here = dirname(fileURLToPath(import.meta.url));
const key = new Uint8Array(32).fill(5);
const sizes = process.argv
  .slice(2)
  .map(Number)
  .filter((n) => n > 0);

/** A denial of a mid-sized request, as the signer writes them (rules included): most of an attacked log. */
function denyRecord(i: number): AuditRecordInput {
  return {
    decision: 'deny',
    request_id: `req-${i}`,
    token_name: 'agent',
    label: 'hot',
    chain: 'cosmos',
    reason_code: 'per_tx_cap_exceeded',
    reason: 'per_tx_caps exceeded: cap=10000000 attempted=20000000 asset=denom:uatom',
    intent: {
      chain: 'cosmos',
      signer: 'cosmos1signer',
      programs: [],
      message_types: ['/cosmos.bank.v1beta1.MsgSend'],
      contracts: [],
      transfers: Array.from({ length: 16 }, (_, k) => ({
        asset: `denom:d${k}`,
        amount: '1',
        from: 'cosmos1signer',
        to: 'cosmos1qypqxpq9qcrsszg2pvxq6rs0zqg3yyc5lzv7xu',
        via: '/cosmos.bank.v1beta1.MsgSend',
      })),
      fees: [{ asset: 'denom:uatom', amount: '5000' }],
      flags: [],
    },
    rules: Array.from({ length: 19 }, (_, k) => ({ rule: `rule_${k}`, ok: k !== 12, message: 'a verdict message of ordinary length' })),
  };
}

function allowRecord(i: number): AuditRecordInput {
  return {
    decision: 'allow',
    request_id: `ok-${i}`,
    label: 'hot',
    chain: 'cosmos',
    intent: { ...(denyRecord(i).intent as object), totals: [{ asset: 'denom:uatom', amount: '7' }] } as never,
  };
}

async function time<T>(fn: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const t0 = performance.now();
  const result = await fn();
  return { ms: performance.now() - t0, result };
}

async function restoreInto(dir: string) {
  const engine = new PolicyEngine({ keys: { hot: { chain: 'cosmos', policy: {} } }, state: new MemoryPolicyStateStore() });
  const restored = await restoreCounters(dir, key);
  await engine.restore(restored.records);
  return { source: restored.source, recordsRead: restored.recordsRead, used: engine.view('hot').runtime.sign_counts.per_day.used };
}

const results = [];
for (const n of sizes.length > 0 ? sizes : [50_000, 100_000, 200_000]) {
  const dir = mkdtempSync(join(tmpdir(), 'openkms-restore-bench-'));
  try {
    const log = await openAuditLog({ dir, key, maxBytes: 64 << 20 });
    const cp = new CounterCheckpointer(log, key, []);
    for (let i = 0; i < n; i++) {
      void cp.sink.append(i % 100 === 0 ? allowRecord(i) : denyRecord(i));
      if (i % 1000 === 999) await log.flush();
    }
    await cp.write();
    await log.close();
    const bytes = readdirSync(dir)
      .filter((f) => f.endsWith('.jsonl'))
      .reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
    const withCheckpoint = await time(() => restoreInto(dir));
    unlinkSync(join(dir, CHECKPOINT_FILE_NAME));
    const fromLog = await time(() => restoreInto(dir));
    if (withCheckpoint.result.used !== fromLog.result.used) throw new Error('the two restores disagree');
    const row = {
      records: n,
      log_mb: Math.round(bytes / 1e5) / 10,
      from_log_ms: Math.round(fromLog.ms),
      from_checkpoint_ms: Math.round(withCheckpoint.ms),
      signatures_restored: withCheckpoint.result.used,
    };
    console.log(row);
    results.push(row);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
mkdirSync(join(here, '..', 'bench-results'), { recursive: true });
writeFileSync(
  join(here, '..', 'bench-results', 'counter-restore.json'),
  JSON.stringify({ node: process.version, date: new Date().toISOString(), results }, null, 2) + '\n',
);
