import { readFileSync } from 'node:fs';
import { ErrorCode, openKmsError } from '@openkms/core';
import { loadConfig } from '../config/load-config.js';
import { userPath, type CliIo } from './cli-context.js';
import { flag, parseArgs, UsageError } from './parse-args.js';

export const KEYS_HELP = `openkms keys list (--config FILE | --url URL) [--token-file FILE] [--json]

Lists the keys of a running signer (GET /keys): each configured label with its backend, key id, chain and address,
then the keys the backends hold that no label maps to ("not configured": they have no policy and never sign; map one
with [keys.<label>] backend = "<name>", key_id = "<id>"). The signer's address comes from --url or from the config's
server.listen. The bearer token (read scope) comes from --token-file or the OPENKMS_TOKEN environment variable.`;

interface KeyRow {
  readonly label: string | null;
  readonly chain: string | null;
  readonly address: string | null;
  readonly backend?: string;
  readonly key_id: string;
  readonly configured?: boolean;
  readonly curve?: string;
  readonly backend_label?: string;
  readonly enabled?: boolean;
}

export async function keysCommand(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, { options: ['config', 'url', 'token-file'], booleans: ['json'] });
  if (args.flags.has('help') || args.positionals[0] !== 'list') {
    (args.flags.has('help') ? io.out : io.err)(KEYS_HELP);
    return args.flags.has('help') ? 0 : 2;
  }
  let url = flag(args, 'url');
  const config = flag(args, 'config');
  if (!url) {
    if (!config) throw new UsageError('keys list needs --config FILE or --url URL');
    const c = await loadConfig(userPath(config));
    const host = c.server.host === '0.0.0.0' ? '127.0.0.1' : c.server.host === '::' ? '::1' : c.server.host;
    url = `http://${host.includes(':') ? `[${host}]` : host}:${c.server.port}`;
  }
  const tokenFile = flag(args, 'token-file');
  const token = tokenFile ? readFileSync(userPath(tokenFile), 'utf8').trim() : process.env.OPENKMS_TOKEN;
  let res: Response;
  try {
    res = await fetch(new URL('/keys', url), { headers: token ? { authorization: `Bearer ${token}` } : {}, signal: AbortSignal.timeout(15_000) });
  } catch (err) {
    throw openKmsError(ErrorCode.backendUnavailable, `cannot reach the signer at ${url} (${(err as Error).message})`, { url });
  }
  const body = (await res.json().catch(() => undefined)) as KeyRow[] | { error?: string; code?: string } | undefined;
  if (!res.ok || !Array.isArray(body)) {
    const e = body && !Array.isArray(body) ? body : {};
    io.err(`openkms keys list: GET /keys answered ${res.status}${e.error ? `: ${e.error}` : ''}${e.code ? ` [${e.code}]` : ''}`);
    return 1;
  }
  if (args.flags.has('json')) {
    io.out(JSON.stringify(body, null, 2));
    return 0;
  }
  const rows = body.map((k) => [
    k.label ?? '-',
    k.backend ?? '-',
    k.key_id,
    k.chain ?? k.curve ?? '-',
    k.configured === false ? `not configured${k.backend_label ? ` (backend label ${k.backend_label})` : ''}` : (k.address ?? '(unresolved)'),
  ]);
  const table = [['LABEL', 'BACKEND', 'KEY ID', 'CHAIN/CURVE', 'ADDRESS'], ...rows];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((r) => r[i]!.length)));
  for (const r of table) io.out(r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  '));
  return 0;
}
