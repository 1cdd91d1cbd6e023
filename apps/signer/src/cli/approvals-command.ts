import type { IntentSummary } from '@openkms/core';
import { describeIntent, type AssetUnits } from '../approvals/describe-intent.js';
import { type CliIo } from './cli-context.js';
import { CliHttpError, signerAdminClient } from './signer-admin-client.js';
import { flag, parseArgs, UsageError } from './parse-args.js';

export const APPROVALS_HELP = `openkms approvals list|show ID|approve ID|deny ID [--reason TEXT] (--config FILE | --url URL) [--token-file FILE] [--json]

Requests held for an operator approval (a key's [keys.<label>.policy.approval] table) on a running signer:
  list          the held requests (pending first) and recently decided ones
  show ID       one request: why it waits, who approved it, and its decoded intent in plain words
  approve ID    approve it (at the quorum it is signed at once, with the policy as it is now)
  deny ID       deny it (its reserved budget is released)
The token (admin scope, or approve / approve:<label>) comes from --token-file or OPENKMS_TOKEN. The token that sent a
request can never approve it; a key's approval.approvers, when it lists any, names the tokens that may.`;

interface ApprovalRow {
  readonly approval_id: string;
  readonly status: string;
  readonly label: string;
  readonly chain: string;
  readonly token_name: string;
  readonly created_at: string;
  readonly expires_at: string;
  readonly reasons: readonly { message: string }[];
  readonly intent: IntentSummary;
  /** Units of its assets, as the signer's chain plugins know them. */
  readonly assets?: AssetUnits;
  readonly quorum: number;
  readonly approvals: readonly { name: string; at: string }[];
  readonly code?: string;
  readonly message?: string;
}

export async function approvalsCommand(argv: string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv, { options: ['config', 'url', 'token-file', 'reason'], booleans: ['json'] });
  const [sub, id] = args.positionals;
  if (args.flags.has('help') || !sub || !['list', 'show', 'approve', 'deny'].includes(sub)) {
    (args.flags.has('help') ? io.out : io.err)(APPROVALS_HELP);
    return args.flags.has('help') ? 0 : 2;
  }
  if (sub !== 'list' && !id) throw new UsageError(`approvals ${sub} needs an approval id`);
  const call = await signerAdminClient('approvals', args);
  try {
    const path = `/admin/approvals${id ? `/${encodeURIComponent(id)}` : ''}`;
    const result =
      sub === 'list'
        ? await call('GET', path)
        : sub === 'show'
          ? await call('GET', path)
          : await call('POST', `${path}/${sub}`, sub === 'deny' && flag(args, 'reason') !== undefined ? { reason: flag(args, 'reason') } : undefined);
    if (args.flags.has('json')) {
      io.out(JSON.stringify(result, null, 2));
      return 0;
    }
    if (sub === 'list') {
      const rows = result as ApprovalRow[];
      if (rows.length === 0) io.out('no approvals');
      for (const r of rows) {
        const what = describeIntent(r.intent, r.assets).slice(1, 2)[0] ?? r.reasons[0]?.message ?? '';
        io.out(`${r.approval_id}  ${r.status.padEnd(8)}  ${r.label}  by ${r.token_name}  ${r.approvals.length}/${r.quorum}  ${what}`);
      }
      return 0;
    }
    for (const line of showApproval(result as ApprovalRow)) io.out(line);
    return 0;
  } catch (err) {
    if (err instanceof CliHttpError) {
      io.err(`openkms approvals ${sub}: ${err.message}`);
      return 1;
    }
    throw err;
  }
}

/** One approval in plain words. */
export function showApproval(r: ApprovalRow): string[] {
  return [
    `approval ${r.approval_id}: ${r.status}${r.code ? ` (${r.code}${r.message ? `: ${r.message}` : ''})` : ''}`,
    `key ${r.label} (${r.chain}), requested by token ${r.token_name} at ${r.created_at}; expires ${r.expires_at}`,
    `approvals ${r.approvals.length} of ${r.quorum}${r.approvals.length ? `: ${r.approvals.map((a) => a.name).join(', ')}` : ''}`,
    'why it waits:',
    ...r.reasons.map((x) => `  - ${x.message}`),
    'what it does:',
    ...describeIntent(r.intent, r.assets).map((l) => `  ${l}`),
  ];
}
