import { createHash } from 'node:crypto';
import { ErrorCode, isOpenKmsError, openKmsError, type ChainKey, type DecodeContext, type DecodedRequest, type Intent, type KeyBackend } from '@openkms/core';
import type { KeyRef, ReplayClaim, ReplayJoin, ReplayStore, SignProvenance } from '@openkms/core';
import type { KeyDirectory } from '../keys/key-directory.js';
import type { SignerMetrics } from '../metrics/signer-metrics.js';
import { pinNetwork } from './check-network.js';
import type { ConcurrencyLimiter } from './concurrency-limiter.js';
import { denialDetails, registeredCallDetails } from './denial-details.js';
import { auditIntent, boundAuditValue, type AuditRecordInput } from '@openkms/audit';
import type { ApprovalHold, ApprovalReasonLike, AuditSink, DecisionLike, PolicyGate, ReservationLike } from './ports.js';
import { recordProvenance } from './provenance-recorder.js';

/** The decision-specific part of an audit record; the pipeline adds request, key and intent facts. */
type AuditFields = Pick<AuditRecordInput, 'decision'> &
  Partial<Pick<AuditRecordInput, 'reason_code' | 'reason' | 'signature_sha256' | 'key_id' | 'hsm_device' | 'backend' | 'details'>>;

export interface RequestContext {
  readonly requestId: string;
  readonly tokenName: string;
  /** Epoch ms after which no new stage starts and no signature is returned. */
  readonly deadline: number;
  /** True on routes that can answer 202 (POST /sign/<chain>): a request meeting an approval condition is held. */
  readonly mayHold?: boolean;
  /** Set when an approved request is signed: its reservation (made when it was held) is used instead of a new one. */
  readonly approved?: { readonly id: string; readonly reservation: ReservationLike };
}

export interface SignPipelineDeps {
  readonly keys: () => KeyDirectory;
  readonly backend: KeyBackend;
  readonly policy: () => PolicyGate;
  readonly audit: AuditSink;
  /** Recent signatures and the requests signing now (this process, or the fleet's Redis): see ReplayStore. */
  readonly replay: ReplayStore;
  readonly backendLimiter: ConcurrencyLimiter;
  readonly metrics: SignerMetrics;
  /** Which kill switch is on now, if any (checked again after the HSM signed, before the signature is released). */
  readonly killSwitch?: (label: string) => typeof ErrorCode.globalDisabled | typeof ErrorCode.keyDisabled | undefined;
  /** Operator-trusted facts a chain's decode gets besides the request (the REST gateway's registered contracts). */
  readonly decodeContext?: (chain: string) => DecodeContext;
  /** Told when the audit record of a refusal could not be written (the refusal stands). */
  readonly onAuditFailure?: (err: unknown, decision: string) => void;
  /** Holds a request that meets an approval condition (see approvals/); without it such a request is refused. */
  readonly approvals?: () => ApprovalHold | undefined;
  readonly now?: () => number;
}

const sha256Hex = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** The replay cache key: the signed bytes' digest, refined by the plugin's `replayVariant` when the body depends on more. */
const replayDigestOf = (decoded: DecodedRequest, signedSha: string): string =>
  decoded.replayVariant === undefined ? signedSha : createHash('sha256').update(`${signedSha}\u0000${decoded.replayVariant}`).digest('hex');

/**
 * decode (plugin) → replay cache? → policy → key backend → audit → response. Every outcome that is a decision is
 * audited; a signature is returned only after its audit record is durable. Anything unknown fails closed.
 *
 * Replays (the same label and the same signed bytes within the replay TTL) are decided with a dry-run policy
 * evaluation: refused by any `forbidden` rule (kill switches, allowlists, per-tx and fee caps), but not by the
 * rate limits and window caps, which they do not consume. A replay never reaches the key backend.
 */
export class SignPipeline {
  private readonly now: () => number;

  constructor(private readonly deps: SignPipelineDeps) {
    this.now = deps.now ?? Date.now;
  }

  async sign(chain: string, body: Record<string, unknown>, ctx: RequestContext): Promise<Readonly<Record<string, unknown>>> {
    const started = this.now();
    const label = String(body.label);
    const base = { request_id: ctx.requestId, token_name: ctx.tokenName, label, chain };
    let intent: Intent | undefined;
    let decision: DecisionLike | undefined;
    let signedSha: string | undefined;
    // the claim on these bytes (see ReplayStore): given up in the outer finally unless completed with the signature
    let claim: ReplayClaim | undefined;
    // What a record stores is bounded whatever the request's size (see @openkms/audit's auditIntent): a large
    // request must not become a large record. Accepted signatures keep every per-asset total (restore needs them).
    const audit = async (fields: AuditFields, durable: boolean): Promise<void> => {
      const summary = intent ? auditIntent(intent, { completeTotals: fields.decision === 'allow' }) : undefined;
      try {
        await this.deps.audit.append(
          {
            ...base,
            ...(intent && summary ? { network: summary.network, intent: summary } : {}),
            // every rule is kept (their number is fixed by the engine); each one's details are bounded
            ...(decision ? { policy_version: decision.policyVersion, rules: decision.rules.map((r) => boundAuditValue(r) as object) } : {}),
            ...(signedSha ? { signed_sha256: signedSha } : {}),
            latency_ms: this.now() - started,
            ...fields,
            ...(fields.reason === undefined ? {} : { reason: boundAuditValue(fields.reason) as string }),
            ...(fields.details === undefined ? {} : { details: boundAuditValue(fields.details) as object }),
          },
          { durable },
        );
      } catch (err) {
        if (!isOpenKmsError(err) || err.code !== ErrorCode.auditRecordTooLarge) throw err;
        // Never a silent gap: a small record says what happened (the intent by its hash and counts). An allowed
        // signature is discarded and the request refused with audit_record_too_large; a refusal stands as it is.
        const allow = fields.decision === 'allow';
        const tooLarge = openKmsError(
          ErrorCode.auditRecordTooLarge,
          'the audit record of this request would exceed the record size limit; it was refused and no signature was returned',
          { bytes: err.context.bytes ?? null, max_bytes: err.context.max_bytes ?? null },
        );
        await this.deps.audit.append(
          {
            ...base,
            decision: allow ? 'error' : fields.decision,
            reason_code: allow ? ErrorCode.auditRecordTooLarge : fields.reason_code,
            reason: allow ? tooLarge.message : (boundAuditValue(fields.reason ?? '') as string),
            ...(signedSha ? { signed_sha256: signedSha } : {}),
            ...(!allow && fields.signature_sha256 ? { signature_sha256: fields.signature_sha256 } : {}),
            ...(fields.key_id === undefined ? {} : { key_id: fields.key_id }),
            ...(decision ? { policy_version: decision.policyVersion } : {}),
            latency_ms: this.now() - started,
            details: {
              audit_record_too_large: { bytes: err.context.bytes ?? null, max_bytes: err.context.max_bytes ?? null },
              ...(summary ? { intent_sha256: summary.sha256, intent_counts: summary.counts } : {}),
            },
          },
          { durable },
        );
        if (allow) throw tooLarge;
      }
    };
    const count = (decisionName: string, reason: string) =>
      this.deps.metrics.recordSign({ chain, label, decision: decisionName, reason }, (this.now() - started) / 1000);
    const total = this.deps.metrics.stageDuration.startTimer({ stage: 'total' });
    try {
      // key and decode
      let key: ChainKey;
      let decoded: DecodedRequest;
      const decodeTimer = this.deps.metrics.stageDuration.startTimer({ stage: 'decode' });
      try {
        const entry = this.deps.keys().get(label);
        if (!entry) throw openKmsError(ErrorCode.unknownLabel, `unknown label ${label}`, { label });
        if (entry.config.chain !== chain) {
          throw openKmsError(ErrorCode.wrongChain, `key ${label} is a ${entry.config.chain} key; use POST /sign/${entry.config.chain}`, {
            label,
            key_chain: entry.config.chain,
          });
        }
        key = await this.deps.keys().resolve(label);
        decoded = pinNetwork(await entry.plugin.decode(body, key, this.deps.decodeContext?.(chain)), entry.plugin, key);
        intent = decoded.intent;
        signedSha = sha256Hex(decoded.signingBytes);
      } catch (err) {
        const e = failClosed(err, ErrorCode.decodeFailed, 'the request could not be decoded');
        const isBackend = e.code.startsWith('backend_') || e.code === ErrorCode.keyNotFound;
        count(isBackend ? 'error' : 'deny', e.code);
        await this.tryAudit(audit, { decision: isBackend ? 'error' : 'deny', reason_code: e.code, reason: e.message }, e);
        throw e;
      } finally {
        decodeTimer();
      }
      await this.checkDeadline(ctx, audit, count);

      // replay: the identical bytes were signed recently, or are being signed right now by another request (of this
      // instance or, in fleet mode, of another one): then this one waits for it and replays its signature
      const replayDigest = replayDigestOf(decoded, signedSha!);
      let cached: ReplayJoin['cached'];
      if (!ctx.approved) {
        try {
          ({ cached, claim } = await this.deps.replay.join(label, replayDigest, ctx.deadline));
        } catch (err) {
          const e = failClosed(err, ErrorCode.stateUnavailable, 'the shared replay state could not be read');
          count('error', e.code);
          await this.tryAudit(audit, { decision: 'error', reason_code: e.code, reason: e.message }, e);
          throw e;
        }
      }
      if (cached) {
        // A replay returns a signature the caller already had: it consumes no budget, so the stateful limits
        // (rate limits, rolling window caps) do not refuse it. Every other rule still applies (kill switches,
        // allowlists, per-transaction caps of the policy as it is NOW): a disabled key never gets a cached signature.
        const policyTimer = this.deps.metrics.stageDuration.startTimer({ stage: 'policy' });
        const d = this.deps.policy().explain(label, decoded.intent);
        policyTimer();
        decision = d;
        if (d.kind === 'forbidden') await this.deny(d, label, audit, count, decoded.intent);
        await this.auditOrFail(audit, {
          decision: 'replay',
          signature_sha256: cached.signatureSha256,
          ...(d.allowed ? {} : { reason: 'replay of a recent signature: the rate and window limits it does not consume were not applied' }),
        });
        count('replay', 'replay');
        return cached.body;
      }

      // policy (reserves budgets atomically); an approved request re-checks the policy as it is now, on the budget
      // it reserved when it was held (its own reservation counts in the windows, so only `forbidden` refuses it)
      const policyTimer = this.deps.metrics.stageDuration.startTimer({ stage: 'policy' });
      const gate = this.deps.policy();
      let authorized = ctx.approved
        ? { decision: gate.explain(label, decoded.intent), reservation: ctx.approved.reservation }
        : gate.decide
          ? gate.decide(label, decoded.intent, { deadline: ctx.deadline })
          : gate.authorize(label, decoded.intent);
      if (authorized instanceof Promise) {
        // fleet mode: the shared state store decides; when it does not answer, nothing is signed
        try {
          authorized = await authorized;
        } catch (err) {
          policyTimer();
          const e = failClosed(err, ErrorCode.stateUnavailable, 'the shared policy state could not be read');
          count('error', e.code);
          await this.tryAudit(audit, { decision: 'error', reason_code: e.code, reason: e.message }, e);
          throw e;
        }
      }
      const { decision: d, reservation } = authorized;
      policyTimer();
      decision = d;
      if (ctx.approved && d.kind === 'forbidden') {
        reservation?.release();
        await this.deny(d, label, audit, count, decoded.intent);
      }
      if (!ctx.approved && !d.allowed) await this.deny(d, label, audit, count, decoded.intent);
      if (!ctx.approved) {
        const reasons = this.deps.policy().approvalReasons?.(label, decoded.intent) ?? [];
        if (reasons.length > 0) {
          const hold = ctx.mayHold ? this.deps.approvals?.() : undefined;
          try {
            if (hold === undefined) {
              const e = openKmsError(
                ErrorCode.approvalRequired,
                'policy: this request needs an operator approval; send it to POST /sign/<chain>, which holds it',
                {
                  label,
                  reasons: reasons.map((r) => r.message),
                },
              );
              count('deny', e.code);
              await this.tryAudit(audit, { decision: 'deny', reason_code: e.code, reason: e.message });
              throw e;
            }
            reservation?.hold?.();
            const held = await hold.hold({
              chain,
              label,
              body,
              intent: decoded.intent,
              reasons,
              signedSha256: signedSha!,
              tokenName: ctx.tokenName,
              requestId: ctx.requestId,
              reservation: reservation!,
              audit: (details) => this.auditOrFail(audit, { decision: 'pending', reason: 'held for an operator approval', details }),
            });
            count('pending', 'approval');
            return held;
          } catch (err) {
            reservation?.release();
            throw err;
          }
        }
      }
      let settled = false;
      const release = () => {
        if (!settled) {
          settled = true;
          reservation?.release();
        }
      };
      try {
        await this.checkDeadline(ctx, audit, count);

        // key backend (bounded in-flight: beyond the limit the request is shed, not queued)
        let releaseSlot: () => void;
        try {
          releaseSlot = this.deps.backendLimiter.acquire();
        } catch (err) {
          const e = failClosed(err, ErrorCode.overloaded, 'the key backend is saturated');
          release();
          count('shed', e.code);
          this.deps.metrics.shed.inc({ limit: this.deps.backendLimiter.name });
          await this.tryAudit(audit, { decision: 'shed', reason_code: e.code, reason: e.message, details: { limit: this.deps.backendLimiter.name } });
          throw e;
        }
        const backendTimer = this.deps.metrics.stageDuration.startTimer({ stage: 'key_backend' });
        let signed;
        // the slot is held until the backend call itself settles, even when this request gives up at its deadline:
        // work the HSM is still doing counts against the limit
        const recorder = recordProvenance(this.deps.backend);
        const work = Promise.resolve().then(() => entryPlugin(this.deps.keys(), label).sign(decoded, key, recorder.backend));
        work.then(releaseSlot, releaseSlot);
        try {
          signed = await withDeadline(work, ctx.deadline, this.now);
        } catch (err) {
          const e = failClosed(err, ErrorCode.backendError, 'the key backend failed');
          count('error', e.code);
          release();
          // the record names the backend that failed (with several backends, which one to look at)
          const where = recorder.provenance() ?? this.backendOf(key.ref);
          await this.tryAudit(
            audit,
            { decision: 'error', reason_code: e.code, reason: e.message, key_id: key.ref.id, ...(where?.backend ? { backend: where.backend } : {}) },
            e,
          );
          throw e;
        } finally {
          this.deps.metrics.activity.recordBackendLatency(label, backendTimer());
        }

        // a kill switch thrown while the HSM was signing wins: the signature is discarded, the budget released
        const switchedOff = this.deps.killSwitch?.(label);
        if (switchedOff !== undefined) {
          const e = openKmsError(switchedOff, 'policy: signing was disabled while the request was being signed; the signature was discarded', { label });
          release();
          count('deny', e.code);
          await this.tryAudit(audit, { decision: 'deny', reason_code: e.code, reason: e.message, key_id: key.ref.id });
          throw e;
        }

        // audit (durable) before the signature leaves
        const provenance = recorder.provenance() ?? this.deps.backend.provenance?.(key.ref);
        const signatureSha = sha256Hex(signed.signature);
        await this.auditOrFail(audit, {
          decision: 'allow',
          ...(ctx.approved ? { details: { approval_id: ctx.approved.id } } : {}),
          signature_sha256: signatureSha,
          key_id: key.ref.id,
          ...(provenance?.device ? { hsm_device: provenance.device } : {}),
          ...(provenance?.backend ? { backend: provenance.backend } : {}),
        });
        settled = true;
        reservation?.commit();
        // identical requests waiting for this one (on any instance) replay its signature from now on
        const entry = { body: signed.body, signatureSha256: signatureSha };
        if (claim) await claim.complete(entry);
        else await this.deps.replay.remember(label, replayDigest, entry);
        claim = undefined;
        count('allow', 'ok');
        return signed.body;
      } finally {
        release();
      }
    } finally {
      // refused, failed or held: a request waiting for these bytes takes the claim over and decides for itself
      if (claim) void claim.abandon();
      total();
    }
  }

  /**
   * Dry run: decode and evaluate every rule; nothing is reserved, signed or audited. `replay` is true when signing
   * these bytes now would return a cached signature (the rate and window limits would then not apply).
   */
  async explain(
    label: string,
    body: Record<string, unknown>,
  ): Promise<{ decision: DecisionLike; intent: Intent; replay: boolean; approvalReasons: readonly ApprovalReasonLike[] }> {
    const entry = this.deps.keys().get(label);
    if (!entry) throw openKmsError(ErrorCode.unknownLabel, `unknown label ${label}`, { label });
    const key = await this.deps.keys().resolve(label);
    let decoded: DecodedRequest;
    try {
      decoded = pinNetwork(await entry.plugin.decode({ ...body, label }, key, this.deps.decodeContext?.(entry.config.chain)), entry.plugin, key);
    } catch (err) {
      throw failClosed(err, ErrorCode.decodeFailed, 'the request could not be decoded');
    }
    // the windows the decisions use: in fleet mode the shared store's (a store fault rejects, as a sign request would)
    const gate = this.deps.policy();
    const decision = gate.explainAsync ? await gate.explainAsync(label, decoded.intent) : gate.explain(label, decoded.intent);
    // a shared store that does not answer: shown as no replay (a dry run answers degraded rather than not at all)
    const cached = (await this.deps.replay.get(label, replayDigestOf(decoded, sha256Hex(decoded.signingBytes))).catch(() => undefined)) !== undefined;
    const replay = cached && decision.kind !== 'forbidden';
    // what POST /sign would hold for an operator (an allowed request that is not a replay and meets the approval table)
    const approvalReasons = decision.allowed && !replay ? (this.deps.policy().approvalReasons?.(label, decoded.intent) ?? []) : [];
    return { decision, intent: decoded.intent, replay, approvalReasons };
  }

  /** Where a key lives (its backend's name, with several), or undefined when the backend cannot say. */
  private backendOf(ref: KeyRef): SignProvenance | undefined {
    try {
      return this.deps.backend.provenance?.(ref);
    } catch {
      return undefined;
    }
  }

  /** Audits a policy refusal and throws it (403, or 429 with Retry-After). */
  private async deny(
    d: DecisionLike,
    label: string,
    audit: (f: AuditFields, durable: boolean) => Promise<void>,
    count: (decision: string, reason: string) => void,
    intent: Intent,
  ): Promise<never> {
    const code = d.code ?? ErrorCode.policyDenied;
    // the failing rule's facts, as explain shows them, so an agent can act on the refusal (see denial-details.ts),
    // and the calls of registered contracts as their ABI decoded them
    const e = openKmsError(code, `policy: ${d.message ?? 'denied'}`, { label, ...denialDetails(d), ...registeredCallDetails(intent) });
    count('deny', code);
    await this.tryAudit(audit, { decision: 'deny', reason_code: code, reason: d.message ?? 'denied' }, e);
    throw e;
  }

  /** Past the request's deadline no new stage starts: the refusal is audited (as an error) and thrown. */
  private async checkDeadline(
    ctx: RequestContext,
    audit: (f: AuditFields, durable: boolean) => Promise<void>,
    count: (decision: string, reason: string) => void,
  ): Promise<void> {
    if (this.now() <= ctx.deadline) return;
    const e = openKmsError(ErrorCode.deadlineExceeded, 'request deadline exceeded', {});
    count('error', e.code);
    await this.tryAudit(audit, { decision: 'error', reason_code: e.code, reason: e.message });
    throw e;
  }

  /** Audits a refusal; if the audit write itself fails, the refusal still stands and the failure is logged. */
  private async tryAudit(audit: (f: AuditFields, durable: boolean) => Promise<void>, fields: AuditFields, _cause?: unknown): Promise<void> {
    try {
      await audit(fields, false);
    } catch (err) {
      this.deps.onAuditFailure?.(err, fields.decision);
    }
  }

  /** A durable audit write; if it fails, no signature is returned (503 audit_write_failed). */
  private async auditOrFail(audit: (f: AuditFields, durable: boolean) => Promise<void>, fields: AuditFields): Promise<void> {
    const timer = this.deps.metrics.stageDuration.startTimer({ stage: 'audit' });
    try {
      await audit(fields, true);
    } catch (err) {
      throw isOpenKmsError(err) && (err.code === ErrorCode.auditWriteFailed || err.code === ErrorCode.auditRecordTooLarge)
        ? err
        : openKmsError(ErrorCode.auditWriteFailed, 'the audit record could not be made durable; no signature was returned', {}, err);
    } finally {
      timer();
    }
  }
}

function entryPlugin(keys: KeyDirectory, label: string) {
  const entry = keys.get(label);
  if (!entry) throw openKmsError(ErrorCode.unknownLabel, `unknown label ${label}`, { label });
  return entry.plugin;
}

/** Any non-OpenKmsError thrown by a plugin or backend becomes `fallback`: fail closed with a stable code. */
function failClosed(err: unknown, fallback: ErrorCode, message: string) {
  return isOpenKmsError(err) ? err : openKmsError(fallback, message, {}, err);
}

async function withDeadline<T>(work: Promise<T>, deadline: number, now: () => number): Promise<T> {
  const remaining = deadline - now();
  if (remaining <= 0) throw openKmsError(ErrorCode.deadlineExceeded, 'request deadline exceeded', {});
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(openKmsError(ErrorCode.deadlineExceeded, 'request deadline exceeded while waiting for the key backend', {})), remaining);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
