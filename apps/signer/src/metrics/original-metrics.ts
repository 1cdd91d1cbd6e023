import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { ErrorCode } from '@openkms/core';
import { httpStatusOf } from '../http/error-status.js';

const ORIGINAL_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
const HSM_CODES = new Set<string>([
  ErrorCode.backendUnavailable,
  ErrorCode.backendError,
  ErrorCode.backendTimeout,
  ErrorCode.keyNotFound,
  ErrorCode.signatureVerificationFailed,
]);

/**
 * The original Rust openKMS's metric names and label names, fed from the same events as ours so dashboards built for
 * it keep working: signs by chain/key/decision, sign latency by chain/key, policy denials by reason, replay hits,
 * in-flight requests and sign-path errors by kind (decode, hsm, sign).
 */
export class OriginalMetrics {
  readonly signs: Counter<'chain' | 'key' | 'decision'>;
  readonly signDuration: Histogram<'chain' | 'key'>;
  readonly policyDenials: Counter<'chain' | 'key' | 'reason'>;
  readonly replayHits: Counter;
  readonly inflight: Gauge;
  readonly signerErrors: Counter<'chain' | 'kind'>;

  constructor(registry: Registry, inFlight: Gauge) {
    const registers = [registry];
    this.signs = new Counter({
      name: 'openkms_signs_total',
      help: 'Sign requests by chain, key and decision (allow, deny, replay, error, shed); the original openKMS name.',
      labelNames: ['chain', 'key', 'decision'] as const,
      registers,
    });
    this.signDuration = new Histogram({
      name: 'openkms_sign_duration_seconds',
      help: 'End-to-end latency of allowed signatures by chain and key; the original openKMS name.',
      labelNames: ['chain', 'key'] as const,
      buckets: ORIGINAL_BUCKETS,
      registers,
    });
    this.policyDenials = new Counter({
      name: 'openkms_policy_denials_total',
      help: 'Policy denials by chain, key and reason code; the original openKMS name.',
      labelNames: ['chain', 'key', 'reason'] as const,
      registers,
    });
    this.replayHits = new Counter({ name: 'openkms_replay_hits_total', help: 'Sign requests answered from the replay cache.', registers });
    this.inflight = new Gauge({
      name: 'openkms_inflight',
      help: 'Requests being processed; the original openKMS name of openkms_in_flight_requests.',
      registers,
      async collect() {
        this.set((await inFlight.get()).values[0]?.value ?? 0);
      },
    });
    this.signerErrors = new Counter({
      name: 'openkms_signer_errors_total',
      help: 'Sign-path failures by chain and kind (decode, hsm, sign); the original openKMS name.',
      labelNames: ['chain', 'kind'] as const,
      registers,
    });
  }

  /** One finished sign request: `decision` and `reason` as in openkms_sign_requests_total. */
  record(chain: string, key: string, decision: string, reason: string, seconds: number): void {
    this.signs.inc({ chain, key, decision });
    if (decision === 'allow') this.signDuration.observe({ chain, key }, seconds);
    else if (decision === 'replay') this.replayHits.inc();
    else if (decision === 'deny') {
      const status = httpStatusOf(reason as ErrorCode);
      if ((status === 403 || status === 429) && reason !== ErrorCode.forbiddenScope) this.policyDenials.inc({ chain, key, reason });
      else this.signerErrors.inc({ chain, kind: 'decode' });
    } else if (decision === 'error') this.signerErrors.inc({ chain, kind: HSM_CODES.has(reason) ? 'hsm' : 'sign' });
  }
}
