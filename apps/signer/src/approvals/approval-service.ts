import { randomBytes } from 'node:crypto';
import { ErrorCode, isOpenKmsError, openKmsError, summarizeIntent, type AssetUnit, type ErrorCode as ErrorCodeT } from '@openkms/core';
import type { AuditRecordInput } from '@openkms/audit';
import { intentSpend } from '@openkms/policy';
import { canApprove, type Scopes } from '../auth/scopes.js';
import type { ApprovalHold, AuditSink, HeldRequest, ReservationLike } from '../pipeline/ports.js';
import type { RequestContext } from '../pipeline/sign-pipeline.js';
import { readApprovalsFile, writeApprovalsFile } from './approval-file.js';
import type { ApprovalRecord } from './approval-record.js';

/** What an approval's settings look like in the key's effective policy. */
interface ApprovalSettings {
  readonly ttl_secs: number;
  readonly approvers: readonly string[];
  readonly quorum: number;
}

export interface ApprovalServiceDeps {
  /** The approvals file (see approval-file.ts); absent: memory only. */
  readonly file?: string;
  readonly policy: () => {
    hasKey(label: string): boolean;
    effectivePolicy(label: string): { readonly approval?: ApprovalSettings };
    reserveFor(label: string, time: number, spend: ReadonlyMap<string, bigint>): ReservationLike;
  };
  /** The sign pipeline (signs an approved request on the budget it reserved). */
  readonly sign: (chain: string, body: Record<string, unknown>, ctx: RequestContext) => Promise<Readonly<Record<string, unknown>>>;
  readonly audit: AuditSink;
  readonly requestTimeoutMs: () => number;
  /** The unit of a chain's asset id, from its plugin (`openkms approvals show` reads amounts in it); undefined: base units. */
  readonly describeAsset?: (chain: string, asset: string) => AssetUnit | undefined;
  /** Told about every change of an approval (the webhook notifier listens here). */
  readonly onChange?: (record: ApprovalRecord, event: ApprovalEvent) => void;
  readonly log?: (level: 'warn' | 'error', obj: Record<string, unknown>, msg: string) => void;
  readonly now?: () => number;
  /** How long decided approvals stay fetchable (default one hour). */
  readonly retainMs?: number;
}

export type ApprovalEvent = 'requested' | 'approved' | 'denied' | 'expired' | 'signed' | 'failed';

export interface Approver {
  readonly name: string;
  readonly scopes: Scopes;
}

const held = new WeakSet<object>();

/** True for the 202 body of a held request (what POST /sign answers with 202 instead of 200). */
export function isHeldResponse(body: unknown): boolean {
  return typeof body === 'object' && body !== null && held.has(body);
}

/**
 * Requests held for an operator approval. Each keeps the budget the policy reserved for it until it is signed
 * (committed), denied or expired (released). Every change is written to the approvals file atomically before it is
 * acknowledged and audited; pending approvals are restored (and their budget reserved again) at start-up.
 */
export class ApprovalService implements ApprovalHold {
  readonly #deps: ApprovalServiceDeps;
  readonly #now: () => number;
  readonly #records = new Map<string, ApprovalRecord>();
  readonly #reservations = new Map<string, ReservationLike>();
  readonly #signing = new Set<string>();
  readonly #waiters = new Map<string, Set<() => void>>();
  #timer: NodeJS.Timeout | undefined;

  constructor(deps: ApprovalServiceDeps) {
    this.#deps = deps;
    this.#now = deps.now ?? Date.now;
  }

  /** Loads the approvals file, reserves the budget of every pending approval again, and starts the expiry sweep. */
  async start(sweepMs = 1000): Promise<void> {
    const records = this.#deps.file === undefined ? [] : readApprovalsFile(this.#deps.file);
    for (const r of records) {
      this.#records.set(r.id, r);
      if (r.status !== 'pending') continue;
      if (!this.#deps.policy().hasKey(r.label)) {
        await this.#finish(r, { status: 'expired', code: ErrorCode.approvalExpired, message: `key ${r.label} is no longer configured` }, 'expired');
        continue;
      }
      const spend = new Map(Object.entries(r.spend).map(([asset, amount]) => [asset, BigInt(amount)]));
      this.#reservations.set(r.id, this.#deps.policy().reserveFor(r.label, Date.parse(r.created_at), spend));
    }
    await this.sweep();
    this.#timer = setInterval(() => void this.sweep().catch(() => undefined), sweepMs);
    this.#timer.unref();
  }

  /** Stops the sweep and answers every waiting long poll. */
  close(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    for (const id of [...this.#waiters.keys()]) this.#wake(id);
  }

  async hold(req: HeldRequest): Promise<Readonly<Record<string, unknown>>> {
    // the same bytes from the same token while one waits: the waiting one answers (no second reservation)
    for (const r of this.#records.values()) {
      if (r.status === 'pending' && r.label === req.label && r.signed_sha256 === req.signedSha256 && r.token_name === req.tokenName) {
        req.reservation.release();
        await req.audit({ approval_id: r.id, expires_at: r.expires_at, quorum: r.quorum, duplicate: true });
        return this.#heldBody(r);
      }
    }
    const settings = this.#deps.policy().effectivePolicy(req.label).approval;
    if (settings === undefined) throw openKmsError(ErrorCode.internal, 'approval settings vanished', {});
    const now = this.#now();
    const spend = intentSpend(req.intent);
    const assets: Record<string, AssetUnit> = {};
    for (const { asset } of [...req.intent.transfers, ...req.intent.fees]) {
      if (Object.hasOwn(assets, asset)) continue;
      const unit = this.#deps.describeAsset?.(req.chain, asset);
      if (unit !== undefined) assets[asset] = { symbol: unit.symbol, decimals: unit.decimals };
    }
    const record: ApprovalRecord = {
      id: `apv_${randomBytes(12).toString('hex')}`,
      label: req.label,
      chain: req.chain,
      token_name: req.tokenName,
      request_id: req.requestId,
      created_at: new Date(now).toISOString(),
      expires_at: new Date(now + settings.ttl_secs * 1000).toISOString(),
      reasons: req.reasons.map((r) => ({ ...r })),
      intent: summarizeIntent(req.intent),
      ...(Object.keys(assets).length > 0 ? { assets } : {}),
      spend,
      signed_sha256: req.signedSha256,
      body: req.body,
      quorum: settings.quorum,
      approvers: [...settings.approvers],
      approvals: [],
      status: 'pending',
    };
    this.#records.set(record.id, record);
    try {
      this.#persist();
      await req.audit({ approval_id: record.id, expires_at: record.expires_at, quorum: record.quorum, reasons: record.reasons });
    } catch (err) {
      this.#records.delete(record.id);
      try {
        this.#persist();
      } catch {
        // the first failure is the one reported
      }
      throw err;
    }
    this.#reservations.set(record.id, req.reservation);
    this.#deps.onChange?.(record, 'requested');
    return this.#heldBody(record);
  }

  /** Every approval still kept (pending first, newest first). */
  list(): ApprovalRecord[] {
    return [...this.#records.values()].sort((a, b) =>
      (a.status === 'pending') !== (b.status === 'pending') ? (a.status === 'pending' ? -1 : 1) : b.created_at.localeCompare(a.created_at),
    );
  }

  get(id: string): ApprovalRecord {
    const r = this.#records.get(id);
    if (r === undefined) throw openKmsError(ErrorCode.approvalNotFound, `no approval ${id}`, { approval_id: id });
    return r;
  }

  /** The requester's view: another token's approval is "not found" (its existence is not disclosed). */
  forRequester(id: string, tokenName: string): ApprovalRecord {
    const r = this.#records.get(id);
    if (r === undefined || r.token_name !== tokenName) throw openKmsError(ErrorCode.approvalNotFound, `no approval ${id} for this token`, { approval_id: id });
    return r;
  }

  /** Resolves when the approval is decided (or signing finished), or after `ms`. */
  async wait(id: string, ms: number): Promise<void> {
    const r = this.#records.get(id);
    if (r === undefined || (r.status !== 'pending' && !this.#signing.has(id)) || ms <= 0) return;
    await new Promise<void>((resolve) => {
      const set = this.#waiters.get(id) ?? new Set();
      this.#waiters.set(id, set);
      const done = () => {
        clearTimeout(timer);
        set.delete(done);
        resolve();
      };
      const timer = setTimeout(done, Math.min(ms, r.expires_at ? Math.max(0, Date.parse(r.expires_at) - this.#now()) + 50 : ms));
      timer.unref();
      set.add(done);
    });
  }

  /** The body GET /approvals/{id} answers while the request waits (202). */
  pendingBody(r: ApprovalRecord): Record<string, unknown> {
    return {
      approval_id: r.id,
      status: 'pending',
      expires_at: r.expires_at,
      reasons: r.reasons,
      quorum: r.quorum,
      approvals: r.approvals.length,
    };
  }

  /**
   * One approver's approval. Refused (`approver_not_allowed`) for the requesting token, a token the key's
   * `approval.approvers` does not list, or one that already approved; `forbidden_scope` without admin or approve
   * scope for the key. Once `quorum` distinct names approved, the request is signed with the policy as it is now.
   */
  async approve(id: string, actor: Approver, requestId: string): Promise<ApprovalRecord> {
    await this.sweep();
    const r = this.#decidable(id, actor);
    if (r.approvals.some((a) => a.name === actor.name)) {
      throw openKmsError(ErrorCode.approverNotAllowed, `token ${actor.name} already approved ${id}; a quorum needs distinct approvers`, { approval_id: id });
    }
    const approvals = [...r.approvals, { name: actor.name, at: new Date(this.#now()).toISOString() }];
    await this.#auditStep(r, actor.name, requestId, 'approval_approve', { approvals: approvals.map((a) => a.name), quorum: r.quorum });
    let next: ApprovalRecord = { ...r, approvals };
    this.#records.set(id, next);
    this.#persist();
    this.#deps.onChange?.(next, 'approved');
    if (approvals.length < r.quorum) return next;

    // quorum: sign now, on the reserved budget, with the policy as it is now (a kill switch thrown meanwhile wins)
    const reservation = this.#reservations.get(id);
    this.#signing.add(id);
    try {
      const result = await this.#deps.sign(
        r.chain,
        { ...r.body },
        {
          requestId,
          tokenName: r.token_name,
          deadline: this.#now() + this.#deps.requestTimeoutMs(),
          approved: { id, reservation: reservation ?? { commit: () => undefined, release: () => undefined } },
        },
      );
      next = { ...next, status: 'approved', decided_at: new Date(this.#now()).toISOString(), result };
      this.#reservations.delete(id);
      this.#records.set(id, next);
      this.#persistQuietly();
      this.#deps.onChange?.(next, 'signed');
    } catch (err) {
      reservation?.release();
      this.#reservations.delete(id);
      const code = isOpenKmsError(err) ? err.code : ErrorCode.internal;
      const message = isOpenKmsError(err) ? err.message : 'signing failed';
      next = { ...next, status: 'failed', decided_at: new Date(this.#now()).toISOString(), code, message };
      this.#records.set(id, next);
      this.#persistQuietly();
      this.#deps.onChange?.(next, 'failed');
    } finally {
      this.#signing.delete(id);
      this.#wake(id);
    }
    return next;
  }

  /** Denies a held request: its budget is released; the agent's poll gets `approval_denied`. */
  async deny(id: string, actor: Approver, requestId: string, reason?: string): Promise<ApprovalRecord> {
    await this.sweep();
    const r = this.#decidable(id, actor);
    await this.#auditStep(r, actor.name, requestId, 'approval_deny', reason === undefined ? {} : { reason });
    return this.#finish(
      r,
      {
        status: 'denied',
        code: ErrorCode.approvalDenied,
        message: reason === undefined ? `denied by ${actor.name}` : `denied by ${actor.name}: ${reason}`,
        denied_by: actor.name,
      },
      'denied',
      false,
    );
  }

  /** Expires every pending approval past its `expires_at` (releasing its budget) and forgets old decided ones. */
  async sweep(): Promise<void> {
    const now = this.#now();
    for (const r of [...this.#records.values()]) {
      if (r.status === 'pending' && !this.#signing.has(r.id) && Date.parse(r.expires_at) <= now) {
        await this.#finish(r, { status: 'expired', code: ErrorCode.approvalExpired, message: `not approved before ${r.expires_at}` }, 'expired');
      } else if (r.status !== 'pending' && r.decided_at !== undefined && Date.parse(r.decided_at) + (this.#deps.retainMs ?? 3_600_000) <= now) {
        this.#records.delete(r.id);
        this.#persistQuietly();
      }
    }
  }

  #decidable(id: string, actor: Approver): ApprovalRecord {
    const r = this.get(id);
    if (r.status !== 'pending' || this.#signing.has(id)) {
      throw openKmsError(ErrorCode.approvalNotPending, `approval ${id} is ${this.#signing.has(id) ? 'being signed' : r.status}`, {
        approval_id: id,
        status: r.status,
      });
    }
    if (!canApprove(actor.scopes, r.label)) {
      throw openKmsError(ErrorCode.forbiddenScope, `token ${actor.name} needs admin scope or approve scope for ${r.label}`, { label: r.label });
    }
    if (actor.name === r.token_name) {
      throw openKmsError(ErrorCode.approverNotAllowed, `token ${actor.name} requested ${id}; the requesting token never decides its own request`, {
        approval_id: id,
      });
    }
    if (r.approvers.length > 0 && !r.approvers.includes(actor.name)) {
      throw openKmsError(ErrorCode.approverNotAllowed, `token ${actor.name} is not among the approvers of ${r.label}`, { approval_id: id, label: r.label });
    }
    return r;
  }

  async #finish(
    r: ApprovalRecord,
    fields: { status: 'denied' | 'expired'; code: ErrorCodeT; message: string; denied_by?: string },
    event: ApprovalEvent,
    audit = true,
  ): Promise<ApprovalRecord> {
    const next: ApprovalRecord = { ...r, ...fields, decided_at: new Date(this.#now()).toISOString() };
    this.#records.set(r.id, next);
    this.#reservations.get(r.id)?.release();
    this.#reservations.delete(r.id);
    this.#persistQuietly();
    this.#wake(r.id);
    if (audit) {
      await this.#auditStep(next, 'system', 'approval-expiry', 'approval_expired', {}).catch((err: unknown) =>
        this.#deps.log?.('error', { approval_id: r.id, code: isOpenKmsError(err) ? err.code : 'internal_error' }, 'could not audit an approval expiry'),
      );
    }
    this.#deps.onChange?.(next, event);
    return next;
  }

  async #auditStep(r: ApprovalRecord, tokenName: string, requestId: string, action: string, details: Record<string, unknown>): Promise<void> {
    const record: AuditRecordInput = {
      request_id: requestId,
      token_name: tokenName,
      decision: 'admin',
      action,
      label: r.label,
      chain: r.chain,
      signed_sha256: r.signed_sha256,
      details: { approval_id: r.id, requested_by: r.token_name, ...details },
    };
    try {
      await this.#deps.audit.append(record, { durable: true });
    } catch (err) {
      throw isOpenKmsError(err) ? err : openKmsError(ErrorCode.auditWriteFailed, 'the audit record could not be made durable', {}, err);
    }
  }

  #heldBody(r: ApprovalRecord): Record<string, unknown> {
    const body = { approval_id: r.id, status: 'pending', expires_at: r.expires_at, reasons: r.reasons };
    held.add(body);
    return body;
  }

  #wake(id: string): void {
    const set = this.#waiters.get(id);
    if (set === undefined) return;
    this.#waiters.delete(id);
    for (const done of [...set]) done();
  }

  #persist(): void {
    if (this.#deps.file !== undefined) writeApprovalsFile(this.#deps.file, [...this.#records.values()]);
  }

  #persistQuietly(): void {
    try {
      this.#persist();
    } catch (err) {
      this.#deps.log?.('error', { code: isOpenKmsError(err) ? err.code : 'internal_error' }, 'could not write the approvals file');
    }
  }
}
