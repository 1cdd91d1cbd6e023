import { stdio, type CliIo } from './cli-context.js';

/** Progress of a command's slow steps, on stderr: a spinner on a terminal, one plain line per step otherwise. */
export interface Progress {
  /** A new step starts (the previous one is done). */
  step(message: string): void;
  /** Stops the spinner; the last step is marked done (or failed); safe to call twice. */
  stop(ok?: boolean): void;
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** A spinner only when the CLI writes to the process's own stderr and that is a terminal. */
export function createProgress(io: CliIo): Progress {
  const tty = io === stdio && process.stderr.isTTY === true;
  if (!tty) return { step: (m) => io.err(`… ${m}`), stop: () => undefined };
  let current: string | undefined;
  let frame = 0;
  let timer: NodeJS.Timeout | undefined;
  const draw = () => process.stderr.write(`\r\x1b[2K${FRAMES[frame++ % FRAMES.length]} ${current ?? ''}`);
  const finish = (ok = true) => {
    if (current !== undefined) process.stderr.write(`\r\x1b[2K${ok ? '✓' : '✗'} ${current}\n`);
    current = undefined;
  };
  return {
    step(message) {
      finish();
      current = message;
      draw();
      timer ??= setInterval(draw, 80).unref();
    },
    stop(ok = true) {
      if (timer) clearInterval(timer);
      timer = undefined;
      finish(ok);
    },
  };
}

/** Runs `fn` with a progress display that is stopped however `fn` ends. */
export async function withProgress<T>(io: CliIo, fn: (p: Progress) => Promise<T>): Promise<T> {
  const p = createProgress(io);
  try {
    const result = await fn(p);
    p.stop(true);
    return result;
  } catch (err) {
    p.stop(false);
    throw err;
  }
}
