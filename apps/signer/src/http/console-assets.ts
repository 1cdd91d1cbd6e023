import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** apps/signer, from src/http (sources) and from dist/http (built) alike. */
const signerDir = join(dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Where the operator console's built files are: OPENKMS_CONSOLE_DIR when set (another build of it); in the
 * repository, the console package's own build (apps/console/dist, made by `pnpm install` and `pnpm build`); in an
 * installed signer, the copy its build ships in dist/ui. Undefined when none has an index.html (the console was not
 * built): /ui then says so.
 */
export function consoleAssetsDir(): string | undefined {
  const override = process.env.OPENKMS_CONSOLE_DIR;
  if (override) return existsSync(join(override, 'index.html')) ? override : undefined;
  const candidates: string[] = [];
  try {
    candidates.push(join(dirname(createRequire(import.meta.url).resolve('@openkms/console/package.json')), 'dist'));
  } catch {
    // not a workspace checkout: only the shipped copy
  }
  candidates.push(join(signerDir, 'dist', 'ui'));
  return candidates.find((dir) => existsSync(join(dir, 'index.html')));
}

/**
 * Headers of every /ui answer. Scripts, styles and requests only from this origin, no inline script or style, no
 * HTML sinks (Trusted Types with no policy: any innerHTML assignment throws), never framed.
 */
export const CONSOLE_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "require-trusted-types-for 'script'",
    "trusted-types 'none'",
  ].join('; '),
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};
