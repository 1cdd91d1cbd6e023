/**
 * `runSimulatorCli(argv)`: starts a simulator with a connector server, for `pnpm openkms sim`:
 *   --listen HOST:PORT   default 127.0.0.1:12345
 *   --state FILE         JSON state file (created 0600; survives restarts)
 *   --latency zero|realistic   default zero
 *   --serial N           serial for a new device
 *   --attestation-root FILE   write the simulator's attestation root certificate (PEM) there on start
 * Resolves with a handle once listening; stop() closes the server and flushes the state.
 * `parseSimulatorArgs` + `runSimulator` are the same in two steps.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { certificateToPem } from '@openkms/yubihsm';
import { openKmsError } from '@openkms/core';
import { startConnectorServer, type ConnectorServer } from './connector-server.js';
import { createSimulator, type SimulatedYubiHsm } from './simulator.js';

export interface SimulatorCliOptions {
  host: string;
  port: number;
  statePath?: string;
  latency: 'zero' | 'realistic';
  serial?: number;
  attestationRootPath?: string;
}

export function parseSimulatorArgs(argv: readonly string[]): SimulatorCliOptions {
  const out: SimulatorCliOptions = { host: '127.0.0.1', port: 12345, latency: 'zero' };
  let values: Record<string, string | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        listen: { type: 'string' },
        state: { type: 'string' },
        latency: { type: 'string' },
        serial: { type: 'string' },
        'attestation-root': { type: 'string' },
      },
      strict: true,
      allowPositionals: false,
    }) as { values: Record<string, string | undefined> });
  } catch (err) {
    throw openKmsError('invalid_request', argvErrorMessage(err));
  }
  for (const [name, v] of Object.entries(values)) if (v === '') throw openKmsError('invalid_request', `missing value for --${name}`);
  if (values.listen !== undefined) {
    const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(values.listen);
    if (!m) throw openKmsError('invalid_request', '--listen must be HOST:PORT');
    out.host = m[1] ?? (m[2] || '127.0.0.1');
    out.port = Number(m[3]);
    if (out.port > 65535) throw openKmsError('invalid_request', 'port out of range');
  }
  if (values.state !== undefined) out.statePath = values.state;
  if (values['attestation-root'] !== undefined) out.attestationRootPath = values['attestation-root'];
  if (values.latency !== undefined) {
    const v = values.latency;
    if (v !== 'zero' && v !== 'realistic') throw openKmsError('invalid_request', '--latency must be zero or realistic');
    out.latency = v;
  }
  if (values.serial !== undefined) {
    const n = Number(values.serial);
    if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw openKmsError('invalid_request', '--serial must be a 32-bit unsigned integer');
    out.serial = n;
  }
  return out;
}

/** node:util parseArgs errors in this CLI's wording: "unknown option --x", "missing value for --x". */
function argvErrorMessage(err: unknown): string {
  const e = err as { code?: string; message?: string };
  const flag = /'(-[^' ]+)/.exec(e.message ?? '')?.[1];
  if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && flag) return `unknown option ${flag}`;
  if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && flag) return `missing value for ${flag}`;
  if (e.code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') return `unknown option ${/'([^']*)'/.exec(e.message ?? '')?.[1] ?? ''}`.trim();
  return e.message ?? String(err);
}

export interface RunningSimulator {
  readonly sim: SimulatedYubiHsm;
  readonly server: ConnectorServer;
  stop(): Promise<void>;
}

/** `runSimulator(parseSimulatorArgs(argv), log)`. Bad arguments throw invalid_request. */
export function runSimulatorCli(argv: readonly string[], log?: (line: string) => void): Promise<RunningSimulator> {
  return runSimulator(parseSimulatorArgs(argv), log);
}

/**
 * Starts a simulator and its connector server from parsed options (for CLIs that resolve paths first). An unreadable
 * or invalid state file throws config_invalid, an unwritable one state_write_failed; a busy port throws the listen error.
 */
export async function runSimulator(o: SimulatorCliOptions, log: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Promise<RunningSimulator> {
  const sim = createSimulator({
    latency: o.latency,
    ...(o.statePath !== undefined ? { statePath: o.statePath } : {}),
    ...(o.serial !== undefined ? { serial: o.serial } : {}),
  });
  let server: ConnectorServer;
  try {
    server = await startConnectorServer(sim, { host: o.host, port: o.port });
  } catch (err) {
    await sim.close();
    throw err;
  }
  if (o.attestationRootPath !== undefined) {
    try {
      writeFileSync(o.attestationRootPath, certificateToPem(sim.attestationRoot()), { mode: 0o644 });
    } catch (err) {
      await server.close();
      await sim.close();
      throw openKmsError('state_write_failed', `cannot write the attestation root to ${o.attestationRootPath}`, { path: o.attestationRootPath }, err);
    }
    log(`attestation root (simulator's own, NOT Yubico) written to ${o.attestationRootPath}`);
  }
  log(`simulated YubiHSM2 serial ${sim.serial} (latency ${o.latency}${o.statePath ? `, state ${o.statePath}` : ', in memory'}) listening on ${server.url}`);
  let stopped = false;
  return {
    sim,
    server,
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.close();
      await sim.close();
    },
  };
}
