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
}

/** What the pipeline needs of the policy engine (implemented by @openkms/policy's PolicyEngine). */
export interface PolicyGate {
  authorize(label: string, intent: Intent): { decision: DecisionLike; reservation?: ReservationLike };
  explain(label: string, intent: Intent): DecisionLike;
}
