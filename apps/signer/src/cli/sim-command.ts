import { isOpenKmsError } from '@openkms/core';
import { parseSimulatorArgs, runSimulator, type RunningSimulator, type SimulatorCliOptions } from '@openkms/yubihsm-sim';
import { userPath, type CliIo } from './cli-context.js';
import { UsageError } from './parse-args.js';
import { untilStopSignal } from './stop-signal.js';

export const SIM_HELP = `openkms sim [--listen HOST:PORT] [--state FILE] [--latency zero|realistic] [--serial N] [--attestation-root FILE]

Runs the YubiHSM2 simulator as a standalone yubihsm-connector-compatible HTTP server (GET /connector/status,
POST /connector/api). The driver, yubihsm-shell and python-yubihsm can talk to it as to a device. Default listen
127.0.0.1:12345; default auth key 1, password "password". --state persists the device to a file (created 0600;
default: in memory only). --serial sets the serial of a new device. --attestation-root FILE writes the simulator's own
attestation root certificate (PEM; "NOT Yubico") for 'openkms keys attest --root FILE'.`;

/** Parses and starts the simulator (relative --state paths resolve against the user's directory). */
export async function startSimCommand(argv: readonly string[], io: CliIo): Promise<RunningSimulator> {
  return runParsedSim(parseSimArgs(argv), io);
}

function parseSimArgs(argv: readonly string[]): SimulatorCliOptions {
  try {
    return parseSimulatorArgs(argv);
  } catch (err) {
    if (isOpenKmsError(err) && err.code === 'invalid_request') throw new UsageError(err.message);
    throw err;
  }
}

function runParsedSim(options: SimulatorCliOptions, io: CliIo): Promise<RunningSimulator> {
  return runSimulator(
    {
      ...options,
      ...(options.statePath !== undefined ? { statePath: userPath(options.statePath) } : {}),
      ...(options.attestationRootPath !== undefined ? { attestationRootPath: userPath(options.attestationRootPath) } : {}),
    },
    (line) => io.err(`${line} — SIMULATED device, not for real funds`),
  );
}

export async function simCommand(argv: string[], io: CliIo): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.out(SIM_HELP);
    return 0;
  }
  const options = parseSimArgs(argv);
  // handlers before the "listening" line: a signal as soon as it shows must already stop cleanly
  const state: { running?: RunningSimulator; signalled?: boolean } = {};
  const stopped = untilStopSignal(async () => {
    state.signalled = true;
    await state.running?.stop();
  });
  state.running = await runParsedSim(options, io);
  if (state.signalled) await state.running.stop();
  await stopped;
  return 0;
}
