import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI_BIN } from './cli-process.js';

/** What one documented shell block did when run with bash. */
export interface ShellRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  /** stderr without the status lines the curl wrapper writes. */
  readonly stderr: string;
  /** The HTTP status of every curl call, in order (000: no answer). */
  readonly statuses: number[];
  readonly timedOut: boolean;
}

const STATUS_MARK = '@@docs-test-status ';

/**
 * Runs before every documented block: stop at the first failing command; `openkms`, `pnpm openkms …` and
 * `npx -y pnpm@10 openkms …` run this repository's CLI (apps/signer/bin/openkms.mjs, as `pnpm openkms` does); curl
 * reports each call's HTTP status on stderr for the test (its stdout is untouched, so pipes work as documented).
 */
const PRELUDE = `set -eu
openkms() { node "$OPENKMS_DOCS_CLI" "$@"; }
pnpm() {
  if [ "\${1-}" = openkms ]; then shift; openkms "$@"; return; fi
  echo "docs-test: only 'pnpm openkms …' can run here, not 'pnpm $*'" >&2; return 97
}
npx() {
  while [ $# -gt 0 ] && [ "$1" != openkms ]; do shift; done
  if [ $# -eq 0 ]; then echo "docs-test: only 'npx -y pnpm@10 openkms …' can run here" >&2; return 97; fi
  shift; openkms "$@"
}
curl() { command curl -w '%{stderr}\\n${STATUS_MARK}%{http_code}\\n' "$@"; }
`;

/** Runs `script` with bash in `cwd` (killed with its process group after `timeoutMs`). */
export async function runShell(script: string, opts: { cwd: string; env: Record<string, string>; timeoutMs: number }): Promise<ShellRun> {
  const dir = mkdtempSync(join(tmpdir(), 'openkms-docs-sh-'));
  const file = join(dir, 'block.sh');
  writeFileSync(file, PRELUDE + script);
  try {
    return await new Promise<ShellRun>((resolve, reject) => {
      const child = spawn('bash', [file], {
        cwd: opts.cwd,
        env: { ...process.env, ...opts.env, OPENKMS_DOCS_CLI: CLI_BIN, INIT_CWD: opts.cwd },
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      });
      let stdout = '';
      let stderr = '';
      let timedOut = false;
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      const timer = setTimeout(() => {
        timedOut = true;
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          // already gone
        }
      }, opts.timeoutMs);
      child.on('error', reject);
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        const statuses = [...stderr.matchAll(new RegExp(`${STATUS_MARK}([0-9]{3})`, 'g'))].map((m) => Number(m[1]));
        const cleaned = stderr.replace(new RegExp(`\\n?${STATUS_MARK}[0-9]{3}\\n?`, 'g'), '\n').trim();
        resolve({ code, signal, stdout, stderr: cleaned, statuses, timedOut });
      });
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
