import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DestinationStream } from 'pino';
import { createAuditKeyFile } from '@openkms/audit';
import { ErrorCode, openKmsError } from '@openkms/core';
import { createInProcessTransport, type Transport } from '@openkms/yubihsm';
import { createSimulator, startConnectorServer, type ConnectorServer, type SimulatedYubiHsm } from '@openkms/yubihsm-sim';
import { writeFileAtomicSync } from '@openkms/policy';
import { TokenStore } from '../auth/token-store.js';
import { startSigner, type RunningSigner, type StartSignerOptions } from '../runtime/start-signer.js';
import { CONNECTOR_LINE, connectorLine, demoConfigToml, withEvmUpstream } from './demo-config.js';

export interface DemoFiles {
  readonly dir: string;
  readonly config: string;
  readonly signerToken: string;
  readonly adminToken: string;
  readonly auditKey: string;
  readonly auditDir: string;
  readonly simState: string;
  /** The demo device's BIP-39 mnemonic (0600): the root of its auth keys, wrap key and signing keys. */
  readonly mnemonic: string;
  readonly hsmPassword: string;
}

export interface RunningDemo {
  readonly signer: RunningSigner;
  readonly sim: SimulatedYubiHsm;
  /** The simulator's connector URL (with its secret path), or undefined when it runs in-process without a port. */
  readonly connectorUrl: string | undefined;
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
  /**
   * Where the simulated device is reachable. 'in-process' (the CLI's default): no port, only the signer's own
   * process reaches it. HOST:PORT (the default here: 127.0.0.1, ephemeral port): a connector server that answers only
   * under a random secret path, which only the signer (and config.toml, 0600) knows.
   */
  readonly sim?: 'in-process' | { host: string; port: number };
  readonly logDestination?: DestinationStream;
  /**
   * The node of the demo's `local` EVM network (POST /rpc/evm/local). Written into a new config.toml (default
   * http://127.0.0.1:8545) and, when given, rewritten into an existing one.
   */
  readonly evmUpstream?: string;
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
    mnemonic: join(dir, 'mnemonic.txt'),
    hsmPassword: join(dir, 'hsm.password'),
  };
}

/**
 * The full signer against an embedded simulated YubiHSM2 set up by the original openKMS's ceremony from the demo's
 * own random mnemonic: the factory auth key is gone, the signer logs in with the derived signer key 3. The device is
 * reached in-process or through a loopback connector guarded by a random path (see `sim`). Everything lives in `dir`
 * and is reused on restart.
 */
export async function startDemo(opts: StartDemoOptions): Promise<RunningDemo> {
  const files = demoFiles(opts.dir);
  mkdirSync(opts.dir, { recursive: true, mode: 0o700 });
  if (existsSync(files.hsmPassword) && !existsSync(files.mnemonic)) {
    throw openKmsError(
      ErrorCode.configInvalid,
      `${opts.dir} was made by an older 'openkms demo' (factory auth key left on the device, keys 0x0064/0x0065); ` +
        'its device cannot be converted to the ceremony layout. Remove the directory (it holds only simulated keys) or use --dir with a new one.',
      { path: opts.dir },
    );
  }
  const listen = opts.listen ?? { host: '127.0.0.1', port: 9443 };
  const simAt = opts.sim ?? { host: '127.0.0.1', port: 0 };
  const sim = createSimulator({ statePath: files.simState, latency: opts.latency ?? 'zero' });
  let server: ConnectorServer | undefined;
  let transport: Transport | undefined;
  if (simAt === 'in-process') {
    transport = createInProcessTransport((frame) => sim.handleFrame(frame), {
      name: 'in-process-simulator',
      status: () => {
        const up = sim.faults.present && !sim.closed;
        return { ok: up, status: up ? 'OK' : 'NO_DEVICE', fields: { status: up ? 'OK' : 'NO_DEVICE', serial: String(sim.serial) } };
      },
    });
  } else {
    server = await startConnectorServer(sim, { host: simAt.host, port: simAt.port, pathPrefix: randomBytes(18).toString('base64url') });
  }
  let created = false;
  try {
    if (!existsSync(files.hsmPassword)) {
      // the ceremony's key derivation (BIP-39 / BIP-32 / SLIP-10) is loaded only when a demo device is created
      const [{ newCeremonyMnemonic }, { provisionDemoHsm }] = await Promise.all([import('@openkms/yubihsm/ceremony'), import('./provision-demo-hsm.js')]);
      const mnemonic = newCeremonyMnemonic();
      writeFileAtomicSync(files.mnemonic, mnemonic + '\n');
      chmodSync(files.mnemonic, 0o600);
      const password = await provisionDemoHsm(server ? server.url : transport!, mnemonic);
      writeFileAtomicSync(files.hsmPassword, Buffer.from(password).toString('hex') + '\n');
      password.fill(0);
      created = true;
    }
    if (!existsSync(files.config)) {
      const host = listen.host.includes(':') ? `[${listen.host}]` : listen.host;
      writeFileSync(files.config, demoConfigToml(`${host}:${listen.port}`, server?.url, opts.evmUpstream), { mode: 0o600 });
    } else {
      // the device's address changes on every start: keep config.toml saying where it really is
      const text = readFileSync(files.config, 'utf8');
      let next = text.replace(CONNECTOR_LINE, connectorLine(server?.url));
      if (opts.evmUpstream !== undefined) next = withEvmUpstream(next, opts.evmUpstream);
      if (next !== text) writeFileAtomicSync(files.config, next);
    }
    if (!existsSync(join(opts.dir, 'tokens.json'))) {
      const store = TokenStore.load(join(opts.dir, 'tokens.json'), { allowMissing: true });
      writeFileAtomicSync(files.signerToken, store.create('demo-agent', ['sign:solana-hot-0', 'sign:cosmos-hub-0', 'sign:evm-hot-0', 'read']) + '\n');
      writeFileAtomicSync(files.adminToken, store.create('demo-admin', ['admin', 'read']) + '\n');
    }
    if (!existsSync(files.auditKey)) await createAuditKeyFile(files.auditKey);
    for (const f of [files.signerToken, files.adminToken, files.mnemonic, files.config]) if (existsSync(f)) chmodSync(f, 0o600);
    await opts.configure?.(files);
    const signer = await startSigner({
      ...opts.signerOptions,
      configFile: files.config,
      listen,
      ...(server ? { connectors: [server.url] } : { connectorTransports: [transport!] }),
      handleSighup: true,
      ...(opts.logDestination ? { logDestination: opts.logDestination } : {}),
    });
    return {
      signer,
      sim,
      connectorUrl: server?.url,
      files,
      created,
      async close() {
        await signer.close();
        await server?.close();
        await sim.close();
      },
    };
  } catch (err) {
    await server?.close().catch(() => undefined);
    await sim.close().catch(() => undefined);
    throw err;
  }
}
