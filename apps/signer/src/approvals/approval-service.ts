import { randomBytes } from 'node:crypto';
import { ErrorCode, isOpenKmsError, openKmsError, summarizeIntent, type AssetUnit, type ErrorCode as ErrorCodeT } from '@openkms/core';
import type { AuditRecordInput } from '@openkms/audit';
import { intentSpend } from '@openkms/policy';
import { canApprove, type Scopes } from '../auth/scopes.js';
import type { ApprovalHold, AuditSink, HeldRequest, ReservationLike } from '../pipeline/ports.js';
import type { RequestContext } from '../pipeline/sign-pipeline.js';
import { FileRecordStore } from '../runtime/file-record-store.js';
import type { RecordStore } from '../runtime/record-store.js';
import { APPROVALS_FILE } from './approval-file.js';
import type { ApprovalRecord } from './approval-record.js';

/** What an approval's settings look like in the key's effective policy. */
interface ApprovalSettings {
  readonly ttl_secs: number;
  readonly approvers: readonly string[];
  readonly quorum: number;
}

export interface ApprovalServiceDeps {
  /** The approvals file (see approval-file.ts); absent: memory only. Ignored when `store` is given. */
  readonly file?: string;
  /**
   * Where the approvals are kept (default: this process and `file`). Fleet mode: the fleet's Redis, so an approval
   * held on one instance is listed, decided and fetched on any; its reservation is then finished by id
   * (`reservationById`) and restarts do not reserve it again (Redis keeps it).
   */
  readonly store?: RecordStore<ApprovalRecord>;
  /** Fleet mode: the held reservation of an approval another instance held, by its id in the shared store. */
  readonly reservationById?: (label: string, id: string) => ReservationLike;
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
  readonly #store: RecordStore<ApprovalRecord>;
  readonly #reservations = new Map<string, ReservationLike>();
  readonly #waiters = new Map<string, Set<() => void>>();
  #timer: NodeJS.Timeout | undefined;

  constructor(deps: ApprovalServiceDeps) {
    this.#deps = deps;
    this.#now = deps.now ?? Date.now;
    this.#store = deps.store ?? new FileRecordStore(deps.file, APPROVALS_FILE);
  }

  /**
   * Reserves the budget of every pending approval again (memory mode: the counters were rebuilt from the audit log,
   * which does not hold pending reservations; in fleet mode Redis still holds them), and starts the expiry sweep.
   */
  async start(sweepMs = 1000): Promise<void> {
    if (!this.#store.shared) {
      for (const r of await this.#store.all()) {
        if (r.status !== 'pending') continue;
        if (!this.#deps.policy().hasKey(r.label)) {
          await this.#finish(r, { status: 'expired', code: ErrorCode.approvalExpired, message: `key ${r.label} is no longer configured` }, 'expired');
          continue;
        }
        const spend = new Map(Object.entries(r.spend).map(([asset, amount]) => [asset, BigInt(amount)]));
        this.#reservations.set(r.id, this.#deps.policy().reserveFor(r.label, Date.parse(r.created_at), spend));
      }
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
    for (const r of await this.#store.all()) {
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
    // fleet mode: the shared reservation's id, so any instance can finish it
    const reservationId = (req.reservation as { id?: unknown }).id;
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
      ...(this.#store.shared && typeof reservationId === 'string' ? { reservation_id: reservationId } : {}),
    };
    if (!(await this.#store.put(record, undefined))) throw openKmsError(ErrorCode.internal, 'approval id collision', {});
    try {
      await req.audit({ approval_id: record.id, expires_at: record.expires_at, quorum: record.quorum, reasons: record.reasons });
    } catch (err) {
      await this.#store.put(undefined, record).catch(() => undefined); // the first failure is the one reported
      throw err;
    }
    this.#reservations.set(record.id, req.reservation);
    this.#deps.onChange?.(record, 'requested');
    return this.#heldBody(record);
  }

  /** Every approval still kept (pending first, newest first). */
  async list(): Promise<ApprovalRecord[]> {
    return (await this.#store.all()).sort((a, b) =>
      (a.status === 'pending') !== (b.status === 'pending') ? (a.status === 'pending' ? -1 : 1) : b.created_at.localeCompare(a.created_at),
    );
  }

  async get(id: string): Promise<ApprovalRecord> {
    const r = await this.#store.get(id);
    if (r === undefined) throw openKmsError(ErrorCode.approvalNotFound, `no approval ${id}`, { approval_id: id });
    return r;
  }

  /** The requester's view: another token's approval is "not found" (its existence is not disclosed). */
  async forRequester(id: string, tokenName: string): Promise<ApprovalRecord> {
    const r = await this.#store.get(id);
    if (r === undefined || r.token_name !== tokenName) throw openKmsError(ErrorCode.approvalNotFound, `no approval ${id} for this token`, { approval_id: id });
    return r;
  }

  /**
   * Resolves when the approval is decided (or signing finished), or after `ms`. Fleet mode: it may be decided on
   * another instance, so the shared record is read again every 200 ms meanwhile.
   */
  async wait(id: string, ms: number): Promise<void> {
    const r = await this.#store.get(id);
    if (r === undefined || (r.status !== 'pending' && !(await this.#store.claimed(id))) || ms <= 0) return;
    await new Promise<void>((resolve) => {
      const set = this.#waiters.get(id) ?? new Set();
      this.#waiters.set(id, set);
      let poll: NodeJS.Timeout | undefined;
      const done = () => {
        clearTimeout(timer);
        if (poll !== undefined) clearInterval(poll);
        set.delete(done);
        resolve();
      };
      const timer = setTimeout(done, Math.min(ms, r.expires_at ? Math.max(0, Date.parse(r.expires_at) - this.#now()) + 50 : ms));
      timer.unref();
      set.add(done);
      if (this.#store.shared) {
        let busy = false;
        poll = setInterval(() => {
          if (busy) return;
          busy = true;
          void (async () => {
            const x = await this.#store.get(id);
            if (x === undefined || (x.status !== 'pending' && !(await this.#store.claimed(id)))) done();
          })()
            .catch(() => undefined)
            .finally(() => (busy = false));
        }, 200);
        poll.unref();
      }
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
    return this.#decide(id, actor, async (r) => {
      if (r.approvals.some((a) => a.name === actor.name)) {
        throw openKmsError(ErrorCode.approverNotAllowed, `token ${actor.name} already approved ${id}; a quorum needs distinct approvers`, { approval_id: id });
      }
      const approvals = [...r.approvals, { name: actor.name, at: new Date(this.#now()).toISOString() }];
      await this.#auditStep(r, actor.name, requestId, 'approval_approve', { approvals: approvals.map((a) => a.name), quorum: r.quorum });
      let next: ApprovalRecord = { ...r, approvals };
      await this.#put(next, r);
      this.#deps.onChange?.(next, 'approved');
      if (approvals.length < r.quorum) return next;

      // quorum: sign now, on the reserved budget, with the policy as it is now (a kill switch thrown meanwhile wins)
      const reservation = this.#reservationOf(r);
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
        const signed: ApprovalRecord = { ...next, status: 'approved', decided_at: new Date(this.#now()).toISOString(), result };
        this.#reservations.delete(id);
        await this.#putQuietly(signed, next);
        next = signed;
        this.#deps.onChange?.(next, 'signed');
      } catch (err) {
        reservation?.release();
        this.#reservations.delete(id);
        const code = isOpenKmsError(err) ? err.code : ErrorCode.internal;
        const message = isOpenKmsError(err) ? err.message : 'signing failed';
        const failed: ApprovalRecord = { ...next, status: 'failed', decided_at: new Date(this.#now()).toISOString(), code, message };
        await this.#putQuietly(failed, next);
        next = failed;
        this.#deps.onChange?.(next, 'failed');
      }
      return next;
    });
  }

  /** Denies a held request: its budget is released; the agent's poll gets `approval_denied`. */
  async deny(id: string, actor: Approver, requestId: string, reason?: string): Promise<ApprovalRecord> {
    await this.sweep();
    return this.#decide(id, actor, async (r) => {
      await this.#auditStep(r, actor.name, requestId, 'approval_deny', reason === undefined ? {} : { reason });
      const next = await this.#finish(
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
      if (next === undefined) throw notPending(r, 'changed meanwhile');
      return next;
    });
  }

  /** Expires every pending approval past its `expires_at` (releasing its budget) and forgets old decided ones. */
  async sweep(): Promise<void> {
    const now = this.#now();
    for (const r of await this.#store.all()) {
      if (r.status === 'pending' && Date.parse(r.expires_at) <= now) {
        if (await this.#store.claimed(r.id)) continue; // being decided or signed
        await this.#finish(r, { status: 'expired', code: ErrorCode.approvalExpired, message: `not approved before ${r.expires_at}` }, 'expired');
      } else if (r.status !== 'pending' && r.decided_at !== undefined && Date.parse(r.decided_at) + (this.#deps.retainMs ?? 3_600_000) <= now) {
        await this.#putQuietly(undefined, r);
      }
    }
  }

  /**
   * Runs one decision on an approval while holding its claim (in fleet mode every instance respects it, and it lapses
   * if this instance dies): refused (`approval_not_pending`) when the approval is decided, or being decided or signed.
   */
  async #decide(id: string, actor: Approver, work: (r: ApprovalRecord) => Promise<ApprovalRecord>): Promise<ApprovalRecord> {
    const before = await this.get(id);
    if (before.status !== 'pending') throw notPending(before);
    if (!(await this.#store.claim(id, this.#deps.requestTimeoutMs() + 60_000))) throw notPending(before, 'being signed');
    try {
      const r = this.#decidable(await this.get(id), actor);
      return await work(r);
    } finally {
      await this.#store.unclaim(id);
      this.#wake(id);
    }
  }

  #decidable(r: ApprovalRecord, actor: Approver): ApprovalRecord {
    const id = r.id;
    if (r.status !== 'pending') throw notPending(r);
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

  /** Denies or expires a pending approval (compare-and-set: undefined when another instance changed it first). */
  async #finish(
    r: ApprovalRecord,
    fields: { status: 'denied' | 'expired'; code: ErrorCodeT; message: string; denied_by?: string },
    event: ApprovalEvent,
    audit = true,
  ): Promise<ApprovalRecord | undefined> {
    const next: ApprovalRecord = { ...r, ...fields, decided_at: new Date(this.#now()).toISOString() };
    let stored: boolean;
    try {
      stored = await this.#store.put(next, r);
    } catch (err) {
      // not stored: the approval stays pending with its budget reserved (fail closed); the sweep tries again
      this.#deps.log?.('error', { approval_id: r.id, code: isOpenKmsError(err) ? err.code : 'internal_error' }, 'could not store an approval decision');
      if (!audit) throw err;
      return undefined;
    }
    if (!stored) return undefined;
    this.#reservationOf(r)?.release();
    this.#reservations.delete(r.id);
    this.#wake(r.id);
    if (audit) {
      await this.#auditStep(next, 'system', 'approval-expiry', 'approval_expired', {}).catch((err: unknown) =>
        this.#deps.log?.('error', { approval_id: r.id, code: isOpenKmsError(err) ? err.code : 'internal_error' }, 'could not audit an approval expiry'),
      );
    }
    this.#deps.onChange?.(next, event);
    return next;
  }

  /** The budget held for an approval: this instance's, or (fleet mode) the shared reservation by its id. */
  #reservationOf(r: ApprovalRecord): ReservationLike | undefined {
    const mine = this.#reservations.get(r.id);
    if (mine !== undefined) return mine;
    if (r.reservation_id !== undefined && this.#deps.reservationById !== undefined) return this.#deps.reservationById(r.label, r.reservation_id);
    return undefined;
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

  /** Stores a change that must land (the caller fails when it does not). */
  async #put(next: ApprovalRecord | undefined, prev: ApprovalRecord): Promise<void> {
    if (!(await this.#store.put(next, prev))) throw notPending(prev, 'changed meanwhile');
  }

  async #putQuietly(next: ApprovalRecord | undefined, prev: ApprovalRecord): Promise<void> {
    try {
      await this.#store.put(next, prev);
    } catch (err) {
      this.#deps.log?.('error', { code: isOpenKmsError(err) ? err.code : 'internal_error' }, 'could not write the approvals file');
    }
  }
}

function notPending(r: ApprovalRecord, why?: string): Error {
  return openKmsError(ErrorCode.approvalNotPending, `approval ${r.id} is ${why ?? r.status}`, { approval_id: r.id, status: r.status });
}
