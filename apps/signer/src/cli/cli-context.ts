import { resolve } from 'node:path';

/** Where relative paths given on the command line are resolved: the user's directory, also under `pnpm openkms`. */
export function userPath(p: string): string {
  return resolve(process.env.INIT_CWD ?? process.cwd(), p);
}

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

export const stdio: CliIo = {
  out: (line) => process.stdout.write(line + '\n'),
  err: (line) => process.stderr.write(line + '\n'),
};
