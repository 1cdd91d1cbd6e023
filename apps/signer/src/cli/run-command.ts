import { startSigner, type RunningSigner } from '../runtime/start-signer.js';
import { userPath, type CliIo } from './cli-context.js';
import { flag, parseArgs, UsageError } from './parse-args.js';
import { untilStopSignal } from './stop-signal.js';

export const RUN_HELP = `openkms run --config FILE

Starts the signer from a config file against the configured key backend. Refuses a simulated YubiHSM2 unless the
config sets backend.yubihsm.allow_simulated = true. SIGHUP reloads the config; SIGTERM/SIGINT shut down gracefully (exit 0).`;

export async function runCommand(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, { options: ['config'] });
  if (args.flags.has('help')) {
    io.out(RUN_HELP);
    return 0;
  }
  const config = flag(args, 'config');
  if (!config) throw new UsageError('run needs --config FILE');
  const signer = await startSigner({ configFile: userPath(config), handleSighup: true, awaitDecoders: false });
  const stopped = untilSignal(signer);
  io.err(`openKMS signer listening on ${signer.url}`);
  await stopped;
  return 0;
}

/** Resolves after SIGTERM or SIGINT once the signer has shut down gracefully (see untilStopSignal). */
export function untilSignal(signer: RunningSigner, also: () => Promise<void> = async () => undefined): Promise<void> {
  return untilStopSignal(async (signal) => {
    signer.logger.info({ signal }, 'shutting down');
    await signer
      .close()
      .then(also)
      .catch((err: unknown) => {
        signer.logger.error({ message: (err as Error)?.message }, 'shutdown did not complete cleanly');
        process.exitCode = 1;
      });
  });
}
