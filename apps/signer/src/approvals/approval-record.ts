import type { AssetUnit, IntentSummary } from '@openkms/core';

/** Where a held request stands. `approved`: signed (the result is kept); `failed`: approved but refused at signing. */
export type ApprovalStatus = 'pending' | 'approved' | 'denied' | 'expired' | 'failed';

/** One request held for an operator approval, as kept in memory and in the approvals file. */
export interface ApprovalRecord {
  readonly id: string;
  readonly label: string;
  readonly chain: string;
  /** The NAME of the token that asked (only it may fetch the result; it may never approve). */
  readonly token_name: string;
  readonly request_id: string;
  readonly created_at: string;
  readonly expires_at: string;
  readonly reasons: readonly { readonly condition: string; readonly message: string }[];
  /** The decoded intent (amounts as decimal strings), for operators. */
  readonly intent: IntentSummary;
  /** How operators read its assets' amounts (from the chain plugin's describeAsset; absent or missing: base units). */
  readonly assets?: Readonly<Record<string, AssetUnit>>;
  /** Per-asset spend reserved for it (restored as a reservation after a restart). */
  readonly spend: Readonly<Record<string, string>>;
  readonly signed_sha256: string;
  /** The request body as the agent sent it (signed again at approval time). */
  readonly body: Readonly<Record<string, unknown>>;
  readonly quorum: number;
  /** Token names that may approve (from the key's policy when it was held); empty: any token with the scope. */
  readonly approvers: readonly string[];
  readonly approvals: readonly { readonly name: string; readonly at: string }[];
  readonly status: ApprovalStatus;
  readonly decided_at?: string;
  /** Who denied it. */
  readonly denied_by?: string;
  /** Final code: approval_denied, approval_expired, or the refusal code when signing failed. */
  readonly code?: string;
  readonly message?: string;
  /** The sign response, exactly as POST /sign/<chain> returns it (approved only). */
  readonly result?: Readonly<Record<string, unknown>>;
  /** Fleet mode: the id of its held reservation in Redis (any instance commits or releases it by this id). */
  readonly reservation_id?: string;
}

/** What operators and the agent see of an approval (never the request body). */
export function approvalView(r: ApprovalRecord): Record<string, unknown> {
  return {
    approval_id: r.id,
    status: r.status,
    label: r.label,
    chain: r.chain,
    token_name: r.token_name,
    created_at: r.created_at,
    expires_at: r.expires_at,
    reasons: r.reasons,
    intent: r.intent,
    ...(r.assets === undefined ? {} : { assets: r.assets }),
    quorum: r.quorum,
    approvers: r.approvers,
    approvals: r.approvals,
    ...(r.decided_at === undefined ? {} : { decided_at: r.decided_at }),
    ...(r.denied_by === undefined ? {} : { denied_by: r.denied_by }),
    ...(r.code === undefined ? {} : { code: r.code }),
    ...(r.message === undefined ? {} : { message: r.message }),
  };
}
