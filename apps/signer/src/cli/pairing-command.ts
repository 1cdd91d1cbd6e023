import { type CliIo } from './cli-context.js';
import { CliHttpError, signerAdminClient } from './signer-admin-client.js';
import { flag, flagList, parseArgs, UsageError } from './parse-args.js';

export const PAIRING_HELP = `openkms pairing list|show ID|approve ID --code CODE [--label L…] [--scope S…]|deny ID [--reason TEXT]
                (--config FILE | --url URL) [--token-file FILE] [--json]

Agents ask a running signer for a token with POST /pairing and show their operator a code (XXXX-XXXX):
  list          pairing requests (pending first): id, name, asked scopes and labels, client address, key fingerprint
  show ID       one pairing
  approve ID    approve it with the agent's code; --label / --scope grant only these (they may only narrow the
                request). The token is created in the signer's token file and delivered once, sealed to the agent's key.
  deny ID       deny it (no token is made)
A wrong code is refused and audited; the third denies the pairing. The token (admin scope) comes from --token-file or
OPENKMS_TOKEN.`;

interface PairingRow {
  readonly pairing_id: string;
  readonly status: string;
  readonly name: string;
  readonly labels: readonly string[];
  readonly scopes: readonly string[];
  readonly public_key_sha256: string;
  readonly remote: string;
  readonly created_at: string;
  readonly expires_at: string;
  readonly wrong_codes: number;
  readonly decided_by?: string;
  readonly granted_scopes?: readonly string[];
  readonly delivered_at?: string;
  readonly code?: string;
  readonly message?: string;
}

export async function pairingCommand(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, { options: ['config', 'url', 'token-file', 'reason', 'code', 'label', 'scope'], booleans: ['json'] });
  const [sub, id] = args.positionals;
  if (args.flags.has('help') || !sub || !['list', 'show', 'approve', 'deny'].includes(sub)) {
    (args.flags.has('help') ? io.out : io.err)(PAIRING_HELP);
    return args.flags.has('help') ? 0 : 2;
  }
  if (sub !== 'list' && !id) throw new UsageError(`pairing ${sub} needs a pairing id`);
  const code = flag(args, 'code');
  if (sub === 'approve' && !code) throw new UsageError('pairing approve needs --code (the code the agent shows)');
  const call = await signerAdminClient('pairing', args);
  try {
    const path = `/admin/pairing${id ? `/${encodeURIComponent(id)}` : ''}`;
    let result: unknown;
    if (sub === 'list' || sub === 'show') result = await call('GET', path);
    else if (sub === 'approve') {
      const labels = flagList(args, 'label');
      const scopes = flagList(args, 'scope');
      result = await call('POST', `${path}/approve`, { code, ...(labels.length ? { labels } : {}), ...(scopes.length ? { scopes } : {}) });
    } else result = await call('POST', `${path}/deny`, flag(args, 'reason') !== undefined ? { reason: flag(args, 'reason') } : undefined);
    if (args.flags.has('json')) {
      io.out(JSON.stringify(result, null, 2));
      return 0;
    }
    if (sub === 'list') {
      const rows = result as PairingRow[];
      if (rows.length === 0) io.out('no pairings');
      for (const r of rows) io.out(`${r.pairing_id}  ${r.status.padEnd(9)}  ${r.name}  ${asked(r)}  from ${r.remote}  key ${r.public_key_sha256}`);
      return 0;
    }
    for (const line of showPairing(result as PairingRow)) io.out(line);
    return 0;
  } catch (err) {
    if (err instanceof CliHttpError) {
      io.err(`openkms pairing ${sub}: ${err.message}`);
      return 1;
    }
    throw err;
  }
}

function asked(r: PairingRow): string {
  return `${r.scopes.join(',')}${r.labels.length ? ` on ${r.labels.join(',')}` : r.scopes.includes('sign') ? ' on every key' : ''}`;
}

/** One pairing in plain words. */
export function showPairing(r: PairingRow): string[] {
  return [
    `pairing ${r.pairing_id}: ${r.status}${r.code ? ` (${r.code}${r.message ? `: ${r.message}` : ''})` : ''}`,
    `token name ${r.name}, asks for ${asked(r)}`,
    `from ${r.remote} at ${r.created_at}; expires ${r.expires_at}; agent key fingerprint ${r.public_key_sha256}`,
    ...(r.wrong_codes > 0 ? [`wrong codes entered: ${r.wrong_codes}`] : []),
    ...(r.decided_by ? [`decided by ${r.decided_by}`] : []),
    ...(r.granted_scopes ? [`granted: ${r.granted_scopes.join(', ')}${r.delivered_at ? ` (delivered ${r.delivered_at})` : ' (not fetched yet)'}`] : []),
  ];
}
