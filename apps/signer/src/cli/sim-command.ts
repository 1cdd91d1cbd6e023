import { createSimulator, startConnectorServer } from '@openkms/yubihsm-sim';
import { splitListen } from '../config/load-config.js';
import { userPath, type CliIo } from './cli-context.js';
import { flag, parseArgs, rejectUnknownFlags, UsageError } from './parse-args.js';

export const SIM_HELP = `openkms sim --listen 127.0.0.1:PORT [--state FILE] [--latency zero|realistic]

Runs the YubiHSM2 simulator as a standalone yubihsm-connector-compatible HTTP server (GET /connector/status,
POST /connector/api). The driver, yubihsm-shell and python-yubihsm can talk to it as to a device. Default auth
key 1, password "password". --state persists the device to a file (default: in memory only).`;

export async function simCommand(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv);
  rejectUnknownFlags(args, ['listen', 'state', 'latency']);
  if (args.flags.has('help')) {
    io.out(SIM_HELP);
    return 0;
  }
  const [host, port] = splitListen(flag(args, 'listen') ?? '127.0.0.1:12345');
  const latency = flag(args, 'latency') ?? 'zero';
  if (latency !== 'zero' && latency !== 'realistic') throw new UsageError('--latency must be zero or realistic');
  const state = flag(args, 'state');
  const sim = createSimulator({ ...(state ? { statePath: userPath(state) } : {}), latency });
  const server = await startConnectorServer(sim, { host, port });
  io.err(`YubiHSM2 simulator (serial ${sim.serial}) listening on ${server.url} — SIMULATED device, not for real funds`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      void server
        .close()
        .then(() => sim.close())
        .finally(resolve);
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
  return 0;
}
