// A fleet for the reliability suite (issue 19's fleet mode): several `openkms demo` processes, each on its own copy of
// one demo directory (the same keys, tokens and audit key; its own simulated YubiHSM2 in its own process), sharing one
// Redis through `[state] kind = "redis"`. Each instance can be SIGKILLed and started again on its directory and port.
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { listAuditFiles, loadAuditKey, readAuditRecords, verifyAuditFiles, formatVerifyReport } from '@openkms/audit';
import { freePort, prepareDemoDir, withoutRefusalBudget, startSignerProcess, type DemoDir, type SignerProcess } from './demo-signer.js';

export interface FleetInstance {
  readonly id: string;
  readonly dir: string;
  readonly port: number;
  readonly url: string;
  /** The running process, or undefined while the instance is down. */
  process: SignerProcess | undefined;
  /** This instance's own audit chain: `<dir>/audit/<id>` (fleet mode keeps one chain per instance). */
  readonly auditDir: string;
}

export interface FleetDirs {
  readonly demo: DemoDir;
  readonly instances: FleetInstance[];
  /**
   * Starts (or restarts) an instance on its directory and port; resolves once /health answers. `beforeServing` runs
   * then, before `instance.process` is set (the suite's load only goes to instances whose process is set).
   */
  start(instance: FleetInstance, beforeServing?: (p: SignerProcess) => Promise<void>): Promise<SignerProcess>;
  /** SIGKILL (a crash). */
  kill(instance: FleetInstance): Promise<void>;
  /** SIGKILLs whatever still runs and removes the directories. */
  close(): Promise<void>;
}

export interface FleetOptions {
  readonly redisUrl: string;
  /** Changes the demo config before the fleet's `[state]` is written (policies). */
  readonly edit?: (toml: string) => string;
  readonly ids?: readonly string[];
  /** `[state.redis] reservation_lease_secs`: how long a crashed instance's pending reservations hold their budget. */
  readonly leaseSecs?: number;
  readonly keyPrefix?: string;
  /** The Redis URL of one instance, when it differs from `redisUrl` (e.g. through a TcpProxy that can cut it off). */
  readonly redisUrlFor?: (id: string) => string;
  /** More `openkms demo` flags for every instance (e.g. `--latency realistic`: the simulated device takes its time). */
  readonly demoArgs?: readonly string[];
}

/** `[state]` of one fleet instance. */
export function fleetState(o: { redisUrl: string; id: string; keyPrefix: string; leaseSecs: number }): string {
  return (
    `[state]\nfile = "state.json"\nkind = "redis"\ninstance_id = "${o.id}"\n\n` +
    `[state.redis]\nurl = "${o.redisUrl}"\nkey_prefix = "${o.keyPrefix}"\nreservation_lease_secs = ${o.leaseSecs}\ncommand_timeout_ms = 1000\n`
  );
}

export async function prepareFleet(o: FleetOptions): Promise<FleetDirs> {
  const ids = o.ids ?? ['A', 'B', 'C'];
  const keyPrefix = o.keyPrefix ?? 'reliability:';
  // one demo (device, keys, tokens, audit key), then a copy per instance with its own [state]
  const base = await prepareDemoDir((t) => {
    const edited = withoutRefusalBudget((o.edit ?? ((x: string) => x))(t));
    if (!edited.includes('[state]\nfile = "state.json"\n')) throw new Error('the demo config has no [state] table to replace');
    return edited;
  }, 'openkms-reliability-fleet-');
  const instances: FleetInstance[] = [];
  for (const id of ids) {
    const dir = `${base.dir}-${id}`;
    cpSync(base.dir, dir, { recursive: true });
    rmSync(join(dir, 'audit'), { recursive: true, force: true });
    const config = join(dir, 'config.toml');
    writeFileSync(
      config,
      readFileSync(config, 'utf8').replace(
        '[state]\nfile = "state.json"\n',
        fleetState({ redisUrl: o.redisUrlFor?.(id) ?? o.redisUrl, id, keyPrefix, leaseSecs: o.leaseSecs ?? 10 }),
      ),
    );
    const port = await freePort();
    instances.push({ id, dir, port, url: `http://127.0.0.1:${port}`, process: undefined, auditDir: join(dir, 'audit', id) });
  }
  return {
    demo: base,
    instances,
    async start(instance, beforeServing) {
      const p = await startSignerProcess(instance.dir, instance.port, o.demoArgs ? { demoArgs: o.demoArgs } : {});
      try {
        await beforeServing?.(p);
      } catch (err) {
        await p.kill9();
        throw err;
      }
      instance.process = p;
      return p;
    },
    async kill(instance) {
      const p = instance.process;
      instance.process = undefined;
      await p?.kill9();
    },
    async close() {
      for (const i of instances) {
        await i.process?.kill9();
        i.process = undefined;
        rmSync(i.dir, { recursive: true, force: true });
      }
      rmSync(base.dir, { recursive: true, force: true });
    },
  };
}

/** Verifies one instance's HMAC chain; throws with the report when it is broken. */
export async function verifyInstanceChain(instance: FleetInstance, auditKeyFile: string, when: string): Promise<number> {
  const files = await listAuditFiles(instance.auditDir);
  const report = await verifyAuditFiles(files, await loadAuditKey(auditKeyFile));
  if (!report.ok) throw new Error(`instance ${instance.id}: audit chain broken ${when}: ${formatVerifyReport(report)}`);
  return files.length;
}

/** What the fleet cases read of an audit record. */
export interface FleetAuditRecord {
  readonly decision: string;
  readonly signature_sha256?: string;
  readonly signed_sha256?: string;
  readonly label?: string;
  readonly reason_code?: string;
}

/** Every audit record of an instance, by request id. */
export async function auditByRequest(instance: FleetInstance): Promise<Map<string, FleetAuditRecord>> {
  const out = new Map<string, FleetAuditRecord>();
  for await (const r of readAuditRecords(instance.auditDir)) if (r.request_id) out.set(r.request_id, r);
  return out;
}
