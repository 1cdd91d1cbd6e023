import type { ErrorCode } from '@openkms/core';

/** `forbidden`: the signer answers 403. `limited`: a rate or window limit, 429 with Retry-After. */
export type DenialKind = 'forbidden' | 'limited';

/** The verdict of one rule. Every rule is evaluated, so a decision lists all of them, passing or not. */
export interface RuleVerdict {
  /** Stable rule name, mostly the policy field it checks (`allowed_programs`, `per_tx_caps`, `max_signs_per_minute`…). */
  readonly rule: string;
  readonly ok: boolean;
  /** When not ok: the stable error code. */
  readonly code?: ErrorCode;
  /** When not ok: a precise human message (cap, attempted amount, asset…). When ok: may say why it passed. */
  readonly message?: string;
  /** When not ok: how the signer should answer. */
  readonly kind?: DenialKind;
  /** When not ok and limited: seconds until this rule would pass again (computed from the window contents). */
  readonly retryAfterSeconds?: number;
  /**
   * JSON-safe facts (amounts as decimal strings). A failing rule names what failed in flat fields, as applicable:
   * `asset`, `cap`, `attempted`, `spent`, `remaining`, `retry_after_secs` (caps and windows), `limit`, `used`,
   * `window_secs` (rate limits), `program`, `type_url`, `recipient`, `contract`, `method` (allowlists). The signer
   * copies these flat fields into the `details` of its 403/429 error body.
   */
  readonly detail?: Readonly<Record<string, unknown>>;
}

export interface Decision {
  readonly allowed: boolean;
  readonly kind: 'allow' | DenialKind;
  /** The failing rule the decision reports (a forbidden failure outranks a limited one). */
  readonly rule?: string;
  /** That rule's code. */
  readonly code?: ErrorCode;
  readonly message?: string;
  /** Set when kind is `limited`: the largest retry delay among the failing rules. */
  readonly retryAfterSeconds?: number;
  readonly rules: readonly RuleVerdict[];
  /** SHA-256 (hex) of the canonical effective policy the decision was made with. */
  readonly policyVersion: string;
}
