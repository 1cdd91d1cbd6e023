// bench/results/<date>.json, <date>.md (+ two SVG charts) and latest.md.
import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BENCH_SECTIONS } from './bench-sections.js';
import { comparisonSection, previousFullRun } from './compare-runs.js';
import type { FleetResults } from './fleet-bench.js';
import type { BenchResults } from './run-bench.js';
import type { SoftHsmResults } from './softhsm-bench.js';
import { lineChart, type Series } from './svg-charts.js';

const f = (v: number | undefined, digits = 2): string => (v === undefined || !Number.isFinite(v) ? '–' : String(Number(v.toFixed(digits))));

interface Target {
  readonly target: string;
  readonly measured: string;
  readonly met: boolean | undefined;
}

function targets(r: BenchResults): Target[] {
  const sol = r.zero_latency.find((z) => z.route === '/sign/solana');
  const at = (c: number) => sol?.points.find((p) => p.concurrency === c);
  const c32 = at(32);
  const relay32 = r.floors?.relay_route.find((b) => b.concurrency === 32)?.rps ?? NaN;
  const out: Target[] = [];
  out.push({
    target: 'zero-latency /sign/solana ≥ 50% of the bare-route floor at concurrency 32 (audit fsync on)',
    measured: c32
      ? `${f(c32.rps, 0)} sig/s vs ${f(r.floors?.bare_route.find((b) => b.concurrency === 32)?.rps, 0)} req/s = ${f(c32.ratio_to_floor * 100, 1)}% (the relay floor — the same route plus one HTTP round trip to a bare upstream and one durable record — does ${f(relay32, 0)} req/s: the signer is ${f((c32.rps / relay32) * 100, 1)}% of it)`
      : '–',
    met: c32 && Number.isFinite(c32.ratio_to_floor) ? c32.ratio_to_floor >= 0.5 : undefined,
  });
  const seq = sol?.sequential;
  out.push({
    target: 'host overhead p50 < 1 ms at concurrency 1',
    measured: seq
      ? `${f(seq.host_overhead_p50_ms, 3)} ms (end-to-end p50 ${f(seq.p50_ms, 3)} ms − device ${f(seq.device_ms_per_signature, 3)} ms)${r.floors ? `, of which the disk's own write + fdatasync before the answer is ${f(r.floors.durable_write.p50_ms, 3)} ms (p50 alone on this disk): ${f(seq.host_overhead_p50_ms - r.floors.durable_write.p50_ms, 3)} ms without it` : ''}`
      : '–',
    met: seq ? seq.host_overhead_p50_ms < 1 : undefined,
  });
  const hostP99 = c32 ? c32.latency_ms.p99 - c32.device_ms_per_signature : NaN;
  out.push({
    target: 'host overhead p99 < 5 ms at concurrency 32',
    measured: c32 ? `${f(hostP99, 2)} ms (end-to-end p99 ${c32.latency_ms.p99} ms − device ${f(c32.device_ms_per_signature, 3)} ms)` : '–',
    met: c32 ? hostP99 < 5 : undefined,
  });
  const one = r.realistic.points.find((p) => p.devices === 1);
  out.push({
    target: 'realistic latency: ≥ 95% of the device-bound rate per device (1 device)',
    measured: one
      ? `${f(one.per_device)} of ${f(one.device_bound_rate)} sig/s = ${f(one.fraction_of_device_bound * 100, 1)}% (device busy ${one.device_busy_pct.join('/')}% of the run)`
      : '–',
    met: one ? one.fraction_of_device_bound >= 0.95 : undefined,
  });
  for (const [n, want] of [
    [2, 1.9],
    [4, 3.6],
  ] as const) {
    const p = r.realistic.points.find((x) => x.devices === n);
    out.push({
      target: `realistic latency: ≥ ${want}× with ${n} devices`,
      measured: p
        ? `${f(p.scaling_vs_one)}× (${f(p.signatures_per_second)} sig/s; ${f(p.fraction_of_device_bound * 100, 1)}% of device-bound per device)`
        : '–',
      met: p ? p.scaling_vs_one >= want : undefined,
    });
  }
  if (r.cold_start)
    out.push({
      target: 'cold start < 1 s to a ready /health (built package, existing demo dir)',
      measured:
        r.cold_start.start_ms !== undefined
          ? `${r.cold_start.start_ms} ms (first start, provisioning the demo: ${f(r.cold_start.first_start_ms, 0)} ms; \`node -e 0\`: ${r.cold_start.node_baseline_ms} ms)`
          : `not measured: ${r.cold_start.error ?? '?'}`,
      met: r.cold_start.start_ms !== undefined ? r.cold_start.start_ms < 1000 : undefined,
    });
  if (r.rss) {
    const dep = r.rss.deployment;
    const def = r.rss.node_defaults;
    out.push({
      target: `RSS < 120 MB after ${dep.signatures.toLocaleString('en')} signatures`,
      measured: `${f(dep.after_mb, 1)} MB with the shipped unit's settings (\`${deployedSettings(dep) || 'none'}\`; idle ${f(dep.idle_mb, 1)} MB, peak ${f(dep.peak_mb, 1)} MB; live JS heap after a full GC ${f(dep.heap_used_after_gc_mb, 1)} MB; ${dep.ok} signed). With Node's defaults: ${f(def.after_mb, 1)} MB (live heap ${f(def.heap_used_after_gc_mb, 1)} MB of ${f(def.heap_total_mb, 1)} MB V8 kept)`,
      met: dep.after_mb < 120,
    });
  }
  return out.filter((t) => t.measured !== '–');
}

function markdown(r: BenchResults, stem: string, previous?: ReturnType<typeof previousFullRun>): string {
  const m = r.machine;
  const lines: string[] = [];
  lines.push(
    `# openKMS benchmark — ${r.date.slice(0, 16).replace('T', ' ')} UTC${r.quick ? ' (quick run)' : ''}${BENCH_SECTIONS.every((x) => r.sections.includes(x)) ? '' : ` (sections: ${r.sections.join(', ')})`}`,
  );
  lines.push('');
  lines.push(
    `Machine: **${m.cpu_model}**, ${m.cores} cores, ${m.memory_gb} GB, ${m.platform}, Node ${m.node}. Load average (1/5/15 min) ${m.load_average_at_start.join(' / ')} at the start, ${m.load_average_at_end.join(' / ')} at the end${m.load_average_at_start[0]! > m.cores * 0.5 ? ' — **the machine was shared and loaded during this run: figures are noisy and pessimistic**' : ''}.`,
  );
  lines.push('');
  lines.push(
    `Setup: the signer (\`startSigner\` from ${r.settings.signer_from}, on the demo's config with limits raised, pool of ${r.settings.pool_size} sessions per device), the simulated YubiHSM2(s) behind connector HTTP servers in a process of their own, autocannon in a third process; ${r.settings.audit}. Every request is a distinct transaction (the replay cache never answers). ${r.settings.seconds_per_point} s per point. JSON: [\`${stem}.json\`](${stem}.json).`,
  );
  lines.push('');
  lines.push('## Targets');
  lines.push('');
  lines.push('| target | measured | met |');
  lines.push('|---|---|---|');
  for (const t of targets(r)) lines.push(`| ${t.target} | ${t.measured} | ${t.met === undefined ? '–' : t.met ? 'yes' : '**no**'} |`);
  lines.push('');
  if (previous) comparisonSection(lines, previous, r);
  if (r.floors) floorsSection(lines, r.floors);
  if (r.zero_latency.length > 0) zeroSection(lines, r, stem);
  if (r.realistic.points.length > 0) realisticSection(lines, r, stem);
  if (r.rss || r.cold_start) memorySection(lines, r);
  if (r.softhsm) softHsmSection(lines, r.softhsm);
  if (r.fleet) fleetSection(lines, r.fleet, r);
  return lines.join('\n');
}

function floorsSection(lines: string[], floors: NonNullable<BenchResults['floors']>): void {
  const r = { floors };
  lines.push('## Floors');
  lines.push('');
  lines.push(
    `Raw in-process signing, one thread: Ed25519 node:crypto ${r.floors.raw_signing_per_second.ed25519_node_crypto}/s, Ed25519 @noble/curves ${r.floors.raw_signing_per_second.ed25519_noble}/s, secp256k1 @noble/curves ${r.floors.raw_signing_per_second.secp256k1_noble}/s.`,
  );
  lines.push('');
  lines.push('| bare Express route | ' + r.floors.bare_route.map((b) => `c=${b.concurrency}`).join(' | ') + ' |');
  lines.push('|---|' + r.floors.bare_route.map(() => '---').join('|') + '|');
  lines.push('| req/s | ' + r.floors.bare_route.map((b) => f(b.rps, 0)).join(' | ') + ' |');
  lines.push('| p50 / p99 ms | ' + r.floors.bare_route.map((b) => `${b.latency_ms.p50} / ${b.latency_ms.p99}`).join(' | ') + ' |');
  lines.push('');
  lines.push(
    `Durable write on this disk (one 600-byte record, write + fdatasync, alone): p50 ${f(r.floors.durable_write.p50_ms, 3)} ms, p99 ${f(r.floors.durable_write.p99_ms, 3)} ms. Every signature waits for one (shared by the requests of a group commit).`,
  );
  lines.push('');
  lines.push(
    'The relay floor: the same route plus what every signature needs whatever the signer is made of — one HTTP round trip to a bare upstream in a process of its own (where the device connector is) and one record appended durably (write + fdatasync, group commit) before the answer. No decoding, policy, session crypto, signing or audit chain.',
  );
  lines.push('');
  lines.push('| relay floor | ' + r.floors.relay_route.map((b) => `c=${b.concurrency}`).join(' | ') + ' |');
  lines.push('|---|' + r.floors.relay_route.map(() => '---').join('|') + '|');
  lines.push('| req/s | ' + r.floors.relay_route.map((b) => f(b.rps, 0)).join(' | ') + ' |');
  lines.push('| p50 / p99 ms | ' + r.floors.relay_route.map((b) => `${b.latency_ms.p50} / ${b.latency_ms.p99}`).join(' | ') + ' |');
  lines.push('');
}

function zeroSection(lines: string[], r: BenchResults, stem: string): void {
  lines.push('## Zero-latency device');
  lines.push('');
  lines.push('| route | c | sig/s | p50 ms | p99 ms | ratio to floor | signer CPU | device CPU | statuses |');
  lines.push('|---|---|---|---|---|---|---|---|---|');
  for (const z of r.zero_latency) {
    if (z.skipped) {
      lines.push(`| ${z.route} | – | skipped: ${z.skipped.replace(/\|/g, '\\|').replace(/\n/g, ' ')} | | | | | | |`);
      continue;
    }
    for (const p of z.points)
      lines.push(
        `| ${z.route} | ${p.concurrency} | ${f(p.rps, 0)} | ${p.latency_ms.p50} | ${p.latency_ms.p99} | ${f(p.ratio_to_floor, 3)} | ${p.signer_cpu_pct}% | ${p.device_cpu_pct}% | ${Object.entries(
          p.statuses,
        )
          .map(([k, v]) => `${k}: ${v}`)
          .join(', ')} |`,
      );
  }
  lines.push('');
  lines.push('Sequential requests at concurrency 1 (sub-millisecond timing):');
  lines.push('');
  lines.push('| route | n | p50 ms | p99 ms | device ms/signature | host overhead p50 ms |');
  lines.push('|---|---|---|---|---|---|');
  for (const z of r.zero_latency)
    if (z.sequential) {
      const s = z.sequential;
      lines.push(`| ${z.route} | ${s.n} | ${f(s.p50_ms, 3)} | ${f(s.p99_ms, 3)} | ${f(s.device_ms_per_signature, 3)} | ${f(s.host_overhead_p50_ms, 3)} |`);
    }
  lines.push('');
  lines.push(
    'Time per stage (mean ms, from the signer\'s own histograms; key backend split into the wait for a free device session, transport = connector HTTP + secure channel, device = inside the simulator incl. its queue, other = signature verification and chain encoding; "outside" = end-to-end mean minus the pipeline total: HTTP, auth, validation, response, loopback):',
  );
  lines.push('');
  lines.push('| route | c | decode | policy | key backend | ↳ queue wait | ↳ transport | ↳ device | ↳ other | audit | pipeline total | outside |');
  lines.push('|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const z of r.zero_latency)
    for (const p of z.points.filter((x) => x.concurrency === 1 || x.concurrency === 32)) {
      const s = p.stages_ms;
      lines.push(
        `| ${z.route} | ${p.concurrency} | ${f(s.decode, 3)} | ${f(s.policy, 3)} | ${f(s.key_backend, 3)} | ${f(s.queue_wait, 3)} | ${f(s.transport, 3)} | ${f(s.device, 3)} | ${f(s.backend_other, 3)} | ${f(s.audit, 3)} | ${f(s.total, 3)} | ${f(p.outside_pipeline_ms, 3)} |`,
      );
    }
  lines.push('');
  lines.push(`![latency against concurrency](${stem}-latency.svg)`);
  lines.push('');
}

function realisticSection(lines: string[], r: BenchResults, stem: string): void {
  lines.push('## Realistic device latency');
  lines.push('');
  lines.push(
    `Published YubiHSM2 timings in the simulator (Ed25519 of the ${r.settings.solana_message_bytes}-byte Solana message: ${f(r.realistic.device_ms_per_signature)} ms per signature, one command at a time per device), \`/sign/solana\`, ${r.settings.realistic_seconds} s per point, ${r.settings.pool_size} connections per device.`,
  );
  lines.push('');
  lines.push(
    '"Device busy" is the share of the run each simulated device spent running commands; "device ms measured" is what it really took per signature (the simulator sleeps for the published time, and timers overshoot on a loaded machine). When the devices are busy ~100% of the time, the host adds nothing to their time; a rate below the model\'s device-bound rate then comes from the simulated device itself.',
  );
  lines.push('');
  lines.push('| devices | sig/s | per device | device-bound rate (model) | of device-bound | × one device | device busy | device ms measured | p50 / p99 ms |');
  lines.push('|---|---|---|---|---|---|---|---|---|');
  for (const p of r.realistic.points)
    lines.push(
      `| ${p.devices} | ${f(p.signatures_per_second)} | ${f(p.per_device)} | ${f(p.device_bound_rate)} | ${f(p.fraction_of_device_bound * 100, 1)}% | ${f(p.scaling_vs_one)} | ${p.device_busy_pct.map((v) => `${v}%`).join(' / ')} | ${f(p.device_ms_per_signature_measured, 1)} | ${p.latency_ms.p50} / ${p.latency_ms.p99} |`,
    );
  lines.push('');
  lines.push(`![throughput against devices](${stem}-devices.svg)`);
  lines.push('');
}

function memorySection(lines: string[], r: BenchResults): void {
  lines.push('## Memory and start-up');
  lines.push('');
  const parts: string[] = [];
  if (r.rss)
    parts.push(
      `RSS of a fresh signer with the shipped unit's settings (\`${deployedSettings(r.rss.deployment)}\`): ${f(r.rss.deployment.idle_mb, 1)} MB idle, ${f(r.rss.deployment.after_mb, 1)} MB after ${r.rss.deployment.signatures.toLocaleString('en')} signatures (peak ${f(r.rss.deployment.peak_mb, 1)} MB); with Node's defaults ${f(r.rss.node_defaults.idle_mb, 1)} MB idle, ${f(r.rss.node_defaults.after_mb, 1)} MB after (peak ${f(r.rss.node_defaults.peak_mb, 1)} MB), when the live JS heap after a full GC is ${f(r.rss.node_defaults.heap_used_after_gc_mb, 1)} MB of ${f(r.rss.node_defaults.heap_total_mb, 1)} MB V8 kept, plus ${f(r.rss.node_defaults.external_mb, 1)} MB of buffers.`,
    );
  if (r.cold_start)
    parts.push(
      `Cold start of \`openkms demo\` from the built package to a ready \`/health\`: ${r.cold_start.start_ms !== undefined ? `${r.cold_start.start_ms} ms (median of 3, existing demo dir); first start ${f(r.cold_start.first_start_ms, 0)} ms` : r.cold_start.error}; \`node -e 0\` takes ${r.cold_start.node_baseline_ms} ms here.`,
    );
  lines.push(parts.join(' '));
  lines.push('');
}

const statusList = (st: Record<string, number>): string =>
  Object.entries(st)
    .map(([k, v]) => `${k}: ${v}`)
    .join(', ');

function softHsmSection(lines: string[], s: SoftHsmResults): void {
  lines.push('## SoftHSM2 (PKCS#11 backend)');
  lines.push('');
  if (s.skipped) {
    lines.push(`Not measured: ${s.skipped}.`);
    lines.push('');
    return;
  }
  lines.push(
    `The PKCS#11 backend on a SoftHSM2 token (\`${s.module}\`, keys generated inside the token, not extractable; pool of ${s.pool_size} sessions), in the same signer beside the simulated YubiHSM2. SoftHSM2 signs in software inside the signer's process: its cost is the signer's CPU.`,
  );
  lines.push('');
  lines.push('| route | c | sig/s | p50 ms | p99 ms | signer CPU | statuses |');
  lines.push('|---|---|---|---|---|---|---|');
  for (const route of s.routes) {
    if (route.skipped) lines.push(`| ${route.route} | – | ${route.skipped.replace(/\|/g, '\\|').replace(/\n/g, ' ')} | | | | |`);
    for (const p of route.points)
      lines.push(
        `| ${route.route} | ${p.concurrency} | ${f(p.rps, 0)} | ${p.latency_ms.p50} | ${p.latency_ms.p99} | ${p.signer_cpu_pct}% | ${statusList(p.statuses)} |`,
      );
  }
  lines.push('');
  lines.push('Sequential requests at concurrency 1 (sub-millisecond timing):');
  lines.push('');
  lines.push('| route | n | p50 ms | p99 ms |');
  lines.push('|---|---|---|---|');
  for (const route of s.routes)
    if (route.sequential) lines.push(`| ${route.route} | ${route.sequential.n} | ${f(route.sequential.p50_ms, 3)} | ${f(route.sequential.p99_ms, 3)} |`);
  lines.push('');
}

function fleetSection(lines: string[], fl: FleetResults, r: BenchResults): void {
  lines.push('## Fleet mode (instances sharing one Redis)');
  lines.push('');
  if (fl.skipped) {
    lines.push(`Not measured: ${fl.skipped}.`);
    lines.push('');
    return;
  }
  lines.push(
    `1, 2 and 3 signer instances with \`[state] kind = "redis"\` sharing one redis-server ${fl.redis_server} (${fl.redis_settings}) and the key \`solana-hot-0\`, each instance on a simulated YubiHSM2 of its own in a process of its own; autocannon spreads its connections over the instances round-robin (one latency histogram). \`/sign/solana\`; zero-latency devices with ${r.settings.fleet_connections_zero_latency} connections in total, ${r.settings.seconds_per_point} s per point; realistic-latency devices with ${r.settings.pool_size} connections per instance, ${r.settings.realistic_seconds} s per point. Every decision reads the key's windows from Redis and reserves with a compare-and-set script; "policy" is that stage's mean. The reference row is one instance with the in-memory state under the same load. All processes (signers, devices, redis-server, autocannon) share this machine's ${r.machine.cores} cores: with zero-latency devices more instances add CPU contention, not capacity.`,
  );
  lines.push('');
  lines.push(
    '| devices | state | instances | connections | sig/s | × one instance | p50 / p99 ms | policy ms | per instance | signer CPU | device CPU / busy | redis CPU | window entries | statuses |',
  );
  lines.push('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const p of fl.points)
    lines.push(
      `| ${p.latency} | ${p.state} | ${p.instances} | ${p.connections} | ${f(p.signatures_per_second)} | ${f(p.scaling_vs_one)} | ${p.latency_ms.p50} / ${p.latency_ms.p99} | ${f(p.policy_stage_ms, 3)} | ${p.per_instance.join(' / ')} | ${p.signer_cpu_pct.map((v) => `${v}%`).join(' / ')} | ${p.device_cpu_pct.map((v) => `${v}%`).join(' / ')}${p.device_busy_pct ? ` (busy ${p.device_busy_pct.map((v) => `${v}%`).join(' / ')})` : ''} | ${p.redis_cpu_pct === undefined ? '–' : `${p.redis_cpu_pct}%`} | ${p.window_entries_at_end ?? '–'} | ${statusList(p.statuses)} |`,
    );
  lines.push('');
}

export function writeReport(dir: string, r: BenchResults): string[] {
  // a run of some sections only (--only) gets files of its own and leaves latest.md to the full runs
  const full = BENCH_SECTIONS.every((s) => r.sections.includes(s));
  // read before anything is written; a second full run on the same day gets <date>-<HHMM> so the previous one's JSON stays
  const previous = full ? previousFullRun(dir) : undefined;
  let stem = r.date.slice(0, 10) + (full ? '' : `-only-${r.sections.join('-')}`);
  if (previous?.stem === stem) stem += `-${r.date.slice(11, 13)}${r.date.slice(14, 16)}`;
  const json = join(dir, `${stem}.json`);
  writeFileSync(json, JSON.stringify(r, null, 2) + '\n');
  const written = [json];
  const latency: Series[] = [];
  if (r.floors)
    latency.push({
      name: 'bare route p50',
      color: 0,
      dashed: true,
      points: r.floors.bare_route.map((b) => ({ x: b.concurrency, y: Math.max(b.latency_ms.p50, 0.5) })),
    });
  r.zero_latency
    .filter((x) => !x.skipped)
    .forEach((z, i) => {
      const short = z.route.startsWith('/sign/') ? z.route.slice(6) : 'rpc';
      latency.push({ name: `${short} p50`, color: i + 1, points: z.points.map((p) => ({ x: p.concurrency, y: Math.max(p.latency_ms.p50, 0.5) })) });
      latency.push({
        name: `${short} p99`,
        color: i + 1,
        dashed: true,
        points: z.points.map((p) => ({ x: p.concurrency, y: Math.max(p.latency_ms.p99, 0.5) })),
      });
    });
  const svgLatency = join(dir, `${stem}-latency.svg`);
  if (r.zero_latency.length > 0) {
    written.push(svgLatency);
    writeFileSync(
      svgLatency,
      lineChart(latency, {
        title: 'Latency against concurrency (zero-latency device)',
        xLabel: 'concurrent connections',
        yLabel: 'ms (log scale; autocannon, 1 ms resolution)',
        xTicks: [1, 8, 32, 128],
        xLog: true,
        yLog: true,
      }),
    );
  }
  const one = r.realistic.points.find((p) => p.devices === 1);
  const svgDevices = join(dir, `${stem}-devices.svg`);
  if (r.realistic.points.length > 0) {
    written.push(svgDevices);
    writeFileSync(
      svgDevices,
      lineChart(
        [
          { name: 'measured sig/s', points: r.realistic.points.map((p) => ({ x: p.devices, y: p.signatures_per_second })) },
          { name: 'device-bound', dashed: true, points: r.realistic.points.map((p) => ({ x: p.devices, y: p.device_bound_rate * p.devices })) },
          ...(one
            ? [
                {
                  name: 'linear from 1 device',
                  dashed: true,
                  points: r.realistic.points.map((p) => ({ x: p.devices, y: one.signatures_per_second * p.devices })),
                },
              ]
            : []),
        ],
        { title: 'Throughput against devices (realistic latency)', xLabel: 'simulated YubiHSM2 devices', yLabel: 'signatures / s', xTicks: [1, 2, 4] },
      ),
    );
  }
  const md = join(dir, `${stem}.md`);
  writeFileSync(md, markdown(r, stem, previous));
  written.push(md);
  if (full) {
    const latest = join(dir, 'latest.md');
    copyFileSync(md, latest);
    written.push(latest);
  }
  return written;
}

/** The environment and node flags a deployment-settings measurement ran with, as the unit sets them. */
function deployedSettings(m: { node_flags: readonly string[]; environment?: Readonly<Record<string, string>> }): string {
  return [...Object.entries(m.environment ?? {}).map(([k, v]) => `${k}=${v}`), ...m.node_flags].join(' ');
}
