import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DestinationStream } from 'pino';
import { createAuditKeyFile } from '@openkms/audit';
import { createSimulator, startConnectorServer, type SimulatedYubiHsm } from '@openkms/yubihsm-sim';
import { writeFileAtomicSync } from '@openkms/policy';
import { TokenStore } from '../auth/token-store.js';
import { startSigner, type RunningSigner, type StartSignerOptions } from '../runtime/start-signer.js';
import { demoConfigToml } from './demo-config.js';
import { provisionDemoHsm } from './provision-demo-hsm.js';

export interface DemoFiles {
  readonly dir: string;
  readonly config: string;
  readonly signerToken: string;
  readonly adminToken: string;
  readonly auditKey: string;
  readonly auditDir: string;
  readonly simState: string;
}

export interface RunningDemo {
  readonly signer: RunningSigner;
  readonly sim: SimulatedYubiHsm;
  readonly connectorUrl: string;
  readonly files: DemoFiles;
  /** True when this start created the demo directory's keys and tokens. */
  readonly created: boolean;
  close(): Promise<void>;
}

export interface StartDemoOptions {
  readonly dir: string;
  /** HOST:PORT; default 127.0.0.1:9443 (port 0 picks a free one). */
  readonly listen?: { host: string; port: number };
  readonly latency?: 'zero' | 'realistic';
  readonly logDestination?: DestinationStream;
  /** Called once the demo files exist and before the signer starts (tests adjust config.toml here). */
  readonly configure?: (files: DemoFiles) => void | Promise<void>;
  /** Passed to the signer (test fault injection). */
  readonly signerOptions?: Partial<StartSignerOptions>;
}

export function demoFiles(dir: string): DemoFiles {
  return {
    dir,
    config: join(dir, 'config.toml'),
    signerToken: join(dir, 'signer.token'),
    adminToken: join(dir, 'admin.token'),
    auditKey: join(dir, 'audit.key'),
    auditDir: join(dir, 'audit'),
    simState: join(dir, 'yubihsm-sim.json'),
  };
}

/**
 * The full signer against an embedded simulated YubiHSM2: the simulator serves the connector protocol on a loopback
 * port and the unmodified driver talks to it over HTTP. Everything lives in `dir` and is reused on restart.
 */
export async function startDemo(opts: StartDemoOptions): Promise<RunningDemo> {
  const files = demoFiles(opts.dir);
  mkdirSync(opts.dir, { recursive: true, mode: 0o700 });
  const listen = opts.listen ?? { host: '127.0.0.1', port: 9443 };
  const sim = createSimulator({ statePath: files.simState, latency: opts.latency ?? 'zero' });
  const server = await startConnectorServer(sim, { host: '127.0.0.1', port: 0 });
  let created = false;
  try {
    const passwordFile = join(opts.dir, 'hsm.password');
    if (!existsSync(passwordFile)) {
      const password = await provisionDemoHsm(server.url);
      writeFileAtomicSync(passwordFile, password + '\n');
      created = true;
    }
    if (!existsSync(files.config)) {
      const host = listen.host.includes(':') ? `[${listen.host}]` : listen.host;
      writeFileSync(files.config, demoConfigToml(`${host}:${listen.port}`), { mode: 0o600 });
    }
    if (!existsSync(join(opts.dir, 'tokens.json'))) {
      const store = TokenStore.load(join(opts.dir, 'tokens.json'), { allowMissing: true });
      writeFileAtomicSync(files.signerToken, store.create('demo-agent', ['sign:solana-hot-0', 'sign:cosmos-hub-0', 'read']) + '\n');
      writeFileAtomicSync(files.adminToken, store.create('demo-admin', ['admin', 'read']) + '\n');
    }
    if (!existsSync(files.auditKey)) await createAuditKeyFile(files.auditKey);
    for (const f of [files.signerToken, files.adminToken]) if (existsSync(f)) chmodSync(f, 0o600);
    await opts.configure?.(files);
    const signer = await startSigner({
      ...opts.signerOptions,
      configFile: files.config,
      listen,
      connectors: [server.url],
      handleSighup: true,
      ...(opts.logDestination ? { logDestination: opts.logDestination } : {}),
    });
    return {
      signer,
      sim,
      connectorUrl: server.url,
      files,
      created,
      async close() {
        await signer.close();
        await server.close();
        await sim.close();
      },
    };
  } catch (err) {
    await server.close().catch(() => undefined);
    await sim.close().catch(() => undefined);
    throw err;
  }
}
