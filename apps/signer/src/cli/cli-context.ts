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

/**
 * The command line that runs this CLI again the way the user started it, for commands the CLI prints: `npx -y pnpm@10
 * openkms` under a pnpm fetched by npx (the README's quick start), `pnpm openkms` under an installed pnpm, `openkms`
 * for the installed binary.
 */
export function cliInvocation(env: NodeJS.ProcessEnv = process.env): string {
  if (!(env.npm_config_user_agent ?? '').startsWith('pnpm/')) return 'openkms';
  return /[\\/]_npx[\\/]/.test(env.npm_execpath ?? '') ? 'npx -y pnpm@10 openkms' : 'pnpm openkms';
}
