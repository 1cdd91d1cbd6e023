import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The original Rust openKMS's repository, when this machine has a copy: `OPENKMS_ORIGINAL_REPO` (a work tree or a
 * bare git directory), else the mirror the project's tooling fetches to /work/.mirror. Its files are read at test
 * time only; none of them is committed here.
 */
export function originalRepo(): string | undefined {
  const candidates = [process.env.OPENKMS_ORIGINAL_REPO, '/work/.mirror/poroburu+openkms/repo'].filter((x): x is string => !!x);
  return candidates.find((c) => existsSync(join(c, 'HEAD')) || existsSync(join(c, 'Cargo.toml')));
}

/** A file of the original's repository (HEAD of a bare mirror, or the work tree), or undefined without a copy. */
export function originalFile(path: string): string | undefined {
  const repo = originalRepo();
  if (!repo) return undefined;
  if (existsSync(join(repo, 'Cargo.toml'))) return readFileSync(join(repo, path), 'utf8');
  return execFileSync('git', ['--git-dir', repo, 'show', `HEAD:${path}`], { encoding: 'utf8' });
}

export const NO_MIRROR =
  'skipped: no copy of the original openKMS (set OPENKMS_ORIGINAL_REPO to its checkout or git dir; the suite re-expresses its steps in compat-*.test.ts either way)';
