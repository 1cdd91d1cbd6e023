import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLI_BIN } from './cli-process.js';
import { IN_PROCESS_COMMANDS } from './docs-cli-server.js';

const CLI_SHIM = fileURLToPath(new URL('./docs-cli-shim.mjs', import.meta.url));

/** What one documented shell block did when run with bash. */
export interface ShellRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  /** stderr without the status lines the curl wrapper writes. */
  readonly stderr: string;
  /** Every curl call, in the order they ended: its HTTP status (000: no answer) and body (unless it wrote to -o). */
  readonly responses: CurlResponse[];
  readonly timedOut: boolean;
}

export interface CurlResponse {
  readonly status: number;
  readonly body: string | undefined;
}

const STATUS_MARK = '@@docs-test-status ';

/**
 * Runs before every documented block: stop at the first failing command; `openkms`, `pnpm openkms …` and
 * `npx -y pnpm@10 openkms …` run this repository's CLI: the binary (apps/signer/bin/openkms.mjs, as `pnpm openkms`
 * does), or for the short commands of IN_PROCESS_COMMANDS its `main` in the test's process when a CLI server is
 * given (docs-cli-server.ts: the same code without a Node start and a TypeScript compile per command); curl
 * reports each call's HTTP status and body file on stderr for the test (its stdout is the same, so pipes work as
 * documented; a call that names its own -o/--output keeps it, and the test then sees no body).
 */
const PRELUDE = `set -eu
openkms() {
  case " ${IN_PROCESS_COMMANDS.join(' ')} " in
    *" \${1-} "*) if [ -n "\${OPENKMS_DOCS_CLI_URL-}" ]; then node "$OPENKMS_DOCS_CLI_SHIM" "$@"; return; fi ;;
  esac
  node "$OPENKMS_DOCS_CLI" "$@"
}
pnpm() {
  if [ "\${1-}" = openkms ]; then shift; openkms "$@"; return; fi
  echo "docs-test: only 'pnpm openkms …' can run here, not 'pnpm $*'" >&2; return 97
}
npx() {
  while [ $# -gt 0 ] && [ "$1" != openkms ]; do shift; done
  if [ $# -eq 0 ]; then echo "docs-test: only 'npx -y pnpm@10 openkms …' can run here" >&2; return 97; fi
  shift; openkms "$@"
}
curl() {
  local arg
  for arg in "$@"; do
    case "$arg" in -o | --output | --output=*) command curl -w '%{stderr}\\n${STATUS_MARK}%{http_code} -\\n' "$@"; return; esac
  done
  local body rc=0
  body=$(mktemp "$OPENKMS_DOCS_BODIES/body.XXXXXX")
  command curl -o "$body" -w "%{stderr}\\n${STATUS_MARK}%{http_code} $body\\n" "$@" || rc=$?
  cat "$body"
  return $rc
}
`;

/** Runs `script` with bash in `cwd` (killed with its process group after `timeoutMs`). */
export async function runShell(
  script: string,
  opts: { cwd: string; env: Record<string, string>; timeoutMs: number; cliServerUrl?: string },
): Promise<ShellRun> {
  const dir = mkdtempSync(join(tmpdir(), 'openkms-docs-sh-'));
  const file = join(dir, 'block.sh');
  writeFileSync(file, PRELUDE + script);
  try {
    return await new Promise<ShellRun>((resolve, reject) => {
      const child = spawn('bash', [file], {
        cwd: opts.cwd,
        env: {
          ...process.env,
          ...opts.env,
          OPENKMS_DOCS_CLI: CLI_BIN,
          OPENKMS_DOCS_CLI_SHIM: CLI_SHIM,
          OPENKMS_DOCS_CLI_URL: opts.cliServerUrl ?? '',
          OPENKMS_DOCS_BODIES: dir,
          INIT_CWD: opts.cwd,
        },
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
        const marks = new RegExp(`\\n?${STATUS_MARK}([0-9]{3}) (\\S+)\\n?`, 'g');
        const responses = [...stderr.matchAll(marks)].map((m) => ({
          status: Number(m[1]),
          body: m[2] === '-' || !existsSync(m[2]!) ? undefined : readFileSync(m[2]!, 'utf8'),
        }));
        resolve({ code, signal, stdout, stderr: stderr.replace(marks, '\n').trim(), responses, timedOut });
      });
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
