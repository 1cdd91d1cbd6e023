import type { AuditLog } from '@openkms/audit';
import type { TokenIdentity } from '../auth/token-store.js';

/** Appends an operator action's record (durable before it returns); a signal (no token) is named "signal". */
export type AuditAdmin = (
  actor: TokenIdentity | undefined,
  requestId: string,
  action: string,
  details: Record<string, unknown>,
  label?: string,
) => Promise<unknown>;

export function createAuditAdmin(audit: AuditLog): AuditAdmin {
  return (actor, requestId, action, details, label) =>
    audit.append(
      { request_id: requestId, token_name: actor?.name ?? 'signal', decision: 'admin', action, ...(label ? { label } : {}), details },
      { durable: true },
    );
}
