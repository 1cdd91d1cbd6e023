import type { ErrorCode, Intent } from '@openkms/core';
import type { AuditRecordInput } from '@openkms/audit';

/** What the pipeline needs of the audit log (implemented by @openkms/audit's AuditLog). */
export interface AuditSink {
  append(record: AuditRecordInput, opts?: { durable?: boolean }): Promise<unknown>;
}

export interface RuleVerdictLike {
  readonly rule: string;
  readonly ok: boolean;
  readonly code?: string;
  readonly message?: string;
  /** JSON-safe facts; a failing rule names what failed in flat fields (asset, cap, attempted, …). */
  readonly detail?: Readonly<Record<string, unknown>>;
}

export interface DecisionLike {
  readonly allowed: boolean;
  readonly kind: 'allow' | 'forbidden' | 'limited';
  /** The failing rule the decision reports. */
  readonly rule?: string;
  readonly code?: ErrorCode;
  readonly message?: string;
  readonly retryAfterSeconds?: number;
  readonly rules: readonly RuleVerdictLike[];
  readonly policyVersion: string;
}

export interface ReservationLike {
  commit(): void;
  release(): void;
  /** A shared store: keeps the reservation from lapsing while it waits for an operator approval. */
  hold?(): void;
}

/** What the pipeline needs of the policy engine (implemented by @openkms/policy's PolicyEngine). */
export interface PolicyGate {
  authorize(label: string, intent: Intent): { decision: DecisionLike; reservation?: ReservationLike };
  /**
   * `authorize` on whichever state store is configured (fleet mode: a promise, rejected with `state_unavailable`
   * when the shared store does not answer). Used instead of `authorize` when present. `deadline` (ms since the
   * epoch): a fleet-mode decision waiting behind earlier ones on the same key gives up then (`deadline_exceeded`).
   */
  decide?(label: string, intent: Intent, options?: { readonly deadline?: number }): AuthorizeResultLike | Promise<AuthorizeResultLike>;
  explain(label: string, intent: Intent): DecisionLike;
  /**
   * `explain` on the state the decisions use (fleet mode: the shared store's windows, rejected with
   * `state_unavailable` when it does not answer; `explain` alone would read this process's empty memory store).
   * Used by the dry run instead of `explain` when present.
   */
  explainAsync?(label: string, intent: Intent): DecisionLike | Promise<DecisionLike>;
  /** The approval conditions an allowed intent meets (the key's `approval` table); empty or absent: none. */
  approvalReasons?(label: string, intent: Intent): readonly ApprovalReasonLike[];
}

export interface AuthorizeResultLike {
  readonly decision: DecisionLike;
  readonly reservation?: ReservationLike;
}

export interface ApprovalReasonLike {
  readonly condition: string;
  readonly message: string;
}

/** A request the policy allows but that meets an approval condition, as the pipeline hands it over. */
export interface HeldRequest {
  readonly chain: string;
  readonly label: string;
  readonly body: Readonly<Record<string, unknown>>;
  readonly intent: Intent;
  readonly reasons: readonly ApprovalReasonLike[];
  readonly signedSha256: string;
  readonly tokenName: string;
  readonly requestId: string;
  /** The budget reserved for it: the hold owns it from now on (released on deny or expiry). */
  readonly reservation: ReservationLike;
  /** Writes the durable `pending` audit record of this request (intent, rules, policy version) with these details. */
  audit(details: Record<string, unknown>): Promise<void>;
}

/** Holds requests for an approval (implemented by approvals/approval-service.ts); returns the 202 body. */
export interface ApprovalHold {
  hold(request: HeldRequest): Promise<Readonly<Record<string, unknown>>>;
}
