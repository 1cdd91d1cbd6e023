// Signing throughput and latency through the whole signer: HTTP → auth → decode → policy → replay → driver →
// connector HTTP → simulated YubiHSM2 → durable audit. Run with `pnpm bench`; results go to bench-results/.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { solanaTransferMessage } from '../test/support/chain-fixtures.js';
import { startTestSigner } from '../test/support/test-signer.js';

const here = dirname(fileURLToPath(import.meta.url));
const relaxed = (toml: string) =>
  toml
    .replace(
      'max_signs_per_minute = 30\nmax_signs_per_day = 5000\nper_tx_cap_lamports',
      'max_signs_per_minute = 1000000\nmax_signs_per_day = 100000000\nper_tx_cap_lamports',
    )
    .replace('daily_cap_lamports = "20000000000"', 'daily_cap_lamports = "100000000000000000"');

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function run(latency: 'zero' | 'realistic', concurrency: number, seconds: number) {
  const s = await startTestSigner({ latency, config: relaxed });
  try {
    const keys = await s.request('GET', '/keys', { token: s.signerToken });
    const payer = keys.json.find((k: { label: string }) => k.label === 'solana-hot-0').address as string;
    const pool = Array.from({ length: 4000 }, () => Buffer.from(solanaTransferMessage({ from: payer, lamports: 1000n })).toString('base64'));
    let next = 0;
    const latencies: number[] = [];
    const statuses = new Map<number, number>();
    const deadline = performance.now() + seconds * 1000;
    const worker = async () => {
      while (performance.now() < deadline) {
        const message_b64 = pool[next++ % pool.length]!;
        const t0 = performance.now();
        const res = await fetch(`${s.url}/sign/solana`, {
          method: 'POST',
          headers: { authorization: `Bearer ${s.signerToken}`, 'content-type': 'application/json' },
          body: JSON.stringify({ label: 'solana-hot-0', message_b64 }),
        });
        await res.arrayBuffer();
        latencies.push(performance.now() - t0);
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      }
    };
    const started = performance.now();
    await Promise.all(Array.from({ length: concurrency }, worker));
    const elapsed = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    const ok = statuses.get(200) ?? 0;
    return {
      device_latency_model: latency,
      concurrency,
      seconds: Number(elapsed.toFixed(2)),
      requests: latencies.length,
      signatures: ok,
      signatures_per_second: Number((ok / elapsed).toFixed(1)),
      statuses: Object.fromEntries(statuses),
      latency_ms: {
        p50: Number(percentile(latencies, 50).toFixed(2)),
        p99: Number(percentile(latencies, 99).toFixed(2)),
        max: Number((latencies.at(-1) ?? 0).toFixed(2)),
      },
    };
  } finally {
    await s.close();
  }
}

const results = [];
for (const [latency, concurrency, seconds] of [
  ['zero', 1, 3],
  ['zero', 8, 3],
  ['zero', 32, 3],
  ['realistic', 4, 5],
] as const) {
  const r = await run(latency, concurrency, seconds);
  console.log(JSON.stringify(r));
  results.push(r);
}
mkdirSync(join(here, '../bench-results'), { recursive: true });
writeFileSync(
  join(here, '../bench-results/sign-throughput.json'),
  JSON.stringify(
    {
      benchmark: 'POST /sign/solana end to end (auth, decode, policy, replay, driver over connector HTTP to the simulator, durable audit)',
      note: "'zero' measures the signer's own overhead; 'realistic' applies the published YubiHSM2 per-operation latencies in one device-wide queue (Ed25519 ≈ 105 ms at 32 B), so throughput is device-bound.",
      date: new Date().toISOString(),
      node: process.version,
      cpus: cpus().length,
      cpu_model: cpus()[0]?.model,
      results,
    },
    null,
    2,
  ) + '\n',
);
