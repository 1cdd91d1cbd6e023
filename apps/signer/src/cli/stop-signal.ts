/**
 * Waits for SIGTERM or SIGINT, then runs `stop` once. A clean stop ends the command with exit code 0.
 *
 * A signal that repeats within a second of the first is ignored: a Ctrl-C under `pnpm openkms …` reaches the CLI twice
 * (the terminal signals the whole process group and pnpm forwards its own copy), and dying of that second copy made pnpm
 * report "ELIFECYCLE Command failed" (exit 130) after a clean stop, or die of the signal itself. A signal later than that
 * forces an exit: 128 + n while the stop is still running, the command's own exit code once it has finished.
 *
 * The handlers stay installed after the stop (Node's signal watchers do not keep the process alive): removing them let a
 * forwarded copy that arrived after a fast stop, while the process was still draining, kill it with the signal's
 * default action (seen in CI under load).
 */
export function untilStopSignal(stop: (signal: NodeJS.Signals) => Promise<void>): Promise<void> {
  return new Promise((resolve) => {
    let first: number | undefined;
    let stopped = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (first === undefined) {
        first = Date.now();
        void stop(signal).finally(() => {
          stopped = true;
          resolve();
        });
      } else if (Date.now() - first > 1_000) {
        process.exit(stopped ? (process.exitCode ?? 0) : 128 + (signal === 'SIGINT' ? 2 : 15));
      }
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}
