// The SoftHSM2 section of pnpm bench (issue 21: every backend that runs here): the PKCS#11 backend on a SoftHSM2 token
// (Debian's softhsm2; keys generated inside the token, not extractable) beside the demo's simulated YubiHSM2, in the
// same signer process. /sign/solana (Ed25519) and /sign/evm (secp256k1) on the token's keys.
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TokenStore } from '@openkms/signer';
import { createSoftHsmToken, softHsmMissing, type SoftHsmToken } from '@openkms/tooling/test-helpers';
import { cpuMs, percentile, postOnce, round, runLoad, sequential, startChild, type LoadResult } from './load.js';
import type { BenchDemo } from './prepare-demo.js';
import { evmBodies, solanaBodies, EVM_CHAIN_ID, EVM_FRIEND, type BodyFactory, type KeyView } from './request-bodies.js';

const HUGE = '100000000000000000000000000';
const SYSTEM_PROGRAM = '11111111111111111111111111111111';

export interface SoftHsmBenchOptions {
  readonly demo: BenchDemo;
  readonly signerBuilt: boolean;
  readonly seconds: number;
  readonly concurrency: readonly number[];
  readonly sequential: number;
  /** PKCS#11 sessions kept open (pool_size). */
  readonly poolSize: number;
  readonly log: (...a: unknown[]) => void;
}

export interface SoftHsmPoint extends LoadResult {
  readonly concurrency: number;
  readonly signer_cpu_pct: number;
}

export interface SoftHsmRoute {
  readonly route: string;
  readonly skipped?: string;
  readonly points: SoftHsmPoint[];
  readonly sequential?: { readonly n: number; readonly p50_ms: number; readonly p99_ms: number };
}

export interface SoftHsmResults {
  readonly skipped?: string;
  readonly module?: string;
  readonly pool_size?: number;
  readonly routes: SoftHsmRoute[];
}

function softConfig(toml: string, token: SoftHsmToken, poolSize: number): string {
  // the demo's keys name their backend once a second backend exists
  const demoKeys = toml.replace(/^(\[keys\.[a-z0-9-]+\]\nchain = "[a-z]+")$/gm, '$1\nbackend = "yubihsm"');
  return (
    demoKeys +
    `
[backends.soft]
kind = "pkcs11"
module = "${token.module}"
token_label = "${token.tokenLabel}"
pin_file = "${token.pinFile}"
pool_size = ${poolSize}

[keys.soft-sol]
chain = "solana"
backend = "soft"
key_id = "soft-sol"

[keys.soft-sol.options]
cluster = "mainnet-beta"

[keys.soft-sol.policy]
max_signs_per_minute = 1000000000
max_signs_per_day = 1000000000
per_tx_cap_lamports = "${HUGE}"
daily_cap_lamports = "${HUGE}"
allowed_programs = [{ id = "${SYSTEM_PROGRAM}" }]

[keys.soft-evm]
chain = "evm"
backend = "soft"
key_id = "soft-evm"

[keys.soft-evm.options]
chain_id = ${EVM_CHAIN_ID}

[keys.soft-evm.policy]
max_signs_per_minute = 1000000000
max_signs_per_day = 1000000000
per_tx_caps = { native = "${HUGE}" }
fee_caps = { native = "${HUGE}" }
allowed_programs = [{ id = "native", comment = "plain ETH transfers" }]
allowed_recipients = [{ asset = "native", addresses = ["${EVM_FRIEND}"] }]
`
  );
}

export async function benchSoftHsm(o: SoftHsmBenchOptions): Promise<SoftHsmResults> {
  const missing = softHsmMissing();
  if (missing) return { skipped: missing, routes: [] };
  // SOFTHSM2_CONF is set in this process's environment by createSoftHsmToken: the signer's process inherits it
  const token = createSoftHsmToken();
  token.generate({ label: 'soft-sol', curve: 'ed25519' });
  token.generate({ label: 'soft-evm', curve: 'secp256k1' });
  const dir = `${o.demo.dir}-softhsm`;
  cpSync(o.demo.dir, dir, { recursive: true });
  rmSync(join(dir, 'audit'), { recursive: true, force: true });
  const config = join(dir, 'config.toml');
  writeFileSync(config, softConfig(readFileSync(config, 'utf8'), token, o.poolSize));
  const bearer = TokenStore.load(join(dir, 'tokens.json')).create('bench-softhsm', ['sign', 'read', 'admin']);
  const auth = { authorization: `Bearer ${bearer}` };
  const dev = await startChild<{ urls: string[] }>('device-host.ts', [join(dir, 'yubihsm-sim.json'), '1', 'zero']);
  const signer = await startChild<{ url: string }>('signer-host.mjs', [config, JSON.stringify(dev.ready.urls)], !o.signerBuilt);
  const routes: SoftHsmRoute[] = [];
  try {
    const base = signer.ready.url;
    const keys = (await (await fetch(new URL('/keys', base), { headers: auth })).json()) as KeyView[];
    const sol = keys.find((k) => k.label === 'soft-sol');
    const defs: { name: string; path: string; next: BodyFactory | undefined }[] = [
      { name: '/sign/solana (SoftHSM2 Ed25519)', path: '/sign/solana', next: sol?.address ? solanaBodies('soft-sol', sol.address).next : undefined },
      { name: '/sign/evm (SoftHSM2 secp256k1)', path: '/sign/evm', next: evmBodies('soft-evm') },
    ];
    for (const r of defs) {
      if (signer.process.exitCode !== null || signer.process.signalCode !== null) break;
      if (r.next === undefined) {
        routes.push({ route: r.name, skipped: 'the token key has no address (the backend did not come up)', points: [] });
        continue;
      }
      const next = r.next;
      const probe = await postOnce(base, r.path, auth, next());
      if (probe.status !== 200) {
        routes.push({ route: r.name, skipped: `first request answered ${probe.status}: ${probe.text.slice(0, 300)}`, points: [] });
        o.log(r.name, 'skipped:', probe.status, probe.text.slice(0, 300));
        continue;
      }
      const seq = await sequential({ base, path: r.path, headers: auth, next }, o.sequential);
      const points: SoftHsmPoint[] = [];
      for (const c of o.concurrency) {
        if (signer.process.exitCode !== null || signer.process.signalCode !== null) break;
        const cpu0 = cpuMs(signer.process.pid!);
        const res = await runLoad({ base, path: r.path, headers: auth, next, connections: c, duration: o.seconds });
        const cpu1 = cpuMs(signer.process.pid!);
        const p = { concurrency: c, ...res, signer_cpu_pct: round(((cpu1 - cpu0) / (res.seconds * 1000)) * 100, 0) };
        points.push(p);
        o.log(`${r.name} c=${c}`, p.rps, 'sig/s', `p50 ${p.latency_ms.p50} p99 ${p.latency_ms.p99} ms`, `cpu ${p.signer_cpu_pct}%`, JSON.stringify(p.statuses));
      }
      const died = signer.process.exitCode ?? signer.process.signalCode;
      routes.push({
        route: r.name,
        ...(died !== null ? { skipped: `the signer process died during the load (${died})` } : {}),
        points,
        sequential: { n: o.sequential, p50_ms: round(percentile(seq.latencies, 50), 3), p99_ms: round(percentile(seq.latencies, 99), 3) },
      });
    }
  } finally {
    await signer.stop();
    await dev.stop();
    rmSync(dir, { recursive: true, force: true });
    token.remove();
  }
  return { module: token.module, pool_size: o.poolSize, routes };
}
