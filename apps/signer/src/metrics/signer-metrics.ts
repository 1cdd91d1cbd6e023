import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { ActivityPerMinute } from './activity-per-minute.js';
import { OriginalMetrics } from './original-metrics.js';

const STAGE_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Every Prometheus metric the signer exposes, on its own registry (no global state). */
export class SignerMetrics {
  readonly registry = new Registry();
  readonly signRequests = new Counter({
    name: 'openkms_sign_requests_total',
    help: 'Sign requests by chain, label, decision and reason code.',
    labelNames: ['chain', 'label', 'decision', 'reason'] as const,
    registers: [this.registry],
  });
  readonly stageDuration = new Histogram({
    name: 'openkms_sign_stage_duration_seconds',
    help: 'Latency of each signing stage (decode, policy, key_backend, audit, total).',
    labelNames: ['stage'] as const,
    buckets: STAGE_BUCKETS,
    registers: [this.registry],
  });
  readonly httpRequests = new Counter({
    name: 'openkms_http_requests_total',
    help: 'HTTP requests by route and status.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  readonly inFlight = new Gauge({ name: 'openkms_in_flight_requests', help: 'Requests being processed.', registers: [this.registry] });
  readonly shed = new Counter({
    name: 'openkms_shed_requests_total',
    help: 'Requests refused by load shedding.',
    labelNames: ['limit'] as const,
    registers: [this.registry],
  });
  readonly hsmUp = new Gauge({
    name: 'openkms_hsm_up',
    help: 'Key backend devices answering (1 = up).',
    labelNames: ['device'] as const,
    registers: [this.registry],
  });
  readonly hsmSessions = new Gauge({
    name: 'openkms_hsm_sessions',
    help: 'Open authenticated HSM sessions.',
    labelNames: ['device'] as const,
    registers: [this.registry],
  });
  readonly hsmReconnects = new Counter({
    name: 'openkms_hsm_reconnects_total',
    help: 'Reconnections to the HSM connector.',
    labelNames: ['device'] as const,
    registers: [this.registry],
  });
  readonly hsmDeviceErrors = new Counter({
    name: 'openkms_hsm_device_errors_total',
    help: 'Device errors by code.',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });
  readonly hsmCommandDuration = new Histogram({
    name: 'openkms_hsm_command_duration_seconds',
    help: 'Device command latency by command.',
    labelNames: ['command'] as const,
    buckets: STAGE_BUCKETS,
    registers: [this.registry],
  });
  readonly backendUp = new Gauge({
    name: 'openkms_backend_up',
    help: 'Key backends answering (1 = up), by backend name and kind.',
    labelNames: ['backend', 'kind'] as const,
    registers: [this.registry],
  });
  readonly backendSignatures = new Counter({
    name: 'openkms_backend_signatures_total',
    help: 'Signing calls to each key backend, by curve and result (ok / error).',
    labelNames: ['backend', 'curve', 'result'] as const,
    registers: [this.registry],
  });
  readonly backendCommandDuration = new Histogram({
    name: 'openkms_backend_command_duration_seconds',
    help: 'Latency of each call a key backend makes to its device or service, by backend and operation.',
    labelNames: ['backend', 'operation'] as const,
    buckets: STAGE_BUCKETS,
    registers: [this.registry],
  });
  readonly hsmQueueWait = new Histogram({
    name: 'openkms_hsm_queue_wait_seconds',
    help: 'Time a device command waited for a free session of its device, by command.',
    labelNames: ['command'] as const,
    buckets: STAGE_BUCKETS,
    registers: [this.registry],
  });
  readonly budgetUsed = new Gauge({
    name: 'openkms_budget_spent',
    help: 'Rolling-window spend per key and asset, base units.',
    labelNames: ['label', 'asset'] as const,
    registers: [this.registry],
  });
  readonly budgetRemaining = new Gauge({
    name: 'openkms_budget_remaining',
    help: 'Rolling-window cap remaining per key and asset, base units.',
    labelNames: ['label', 'asset'] as const,
    registers: [this.registry],
  });
  readonly auditWriteDuration = new Histogram({
    name: 'openkms_audit_write_duration_seconds',
    help: 'Audit log write+fsync latency per group commit.',
    buckets: STAGE_BUCKETS,
    registers: [this.registry],
  });
  readonly auditRecords = new Counter({ name: 'openkms_audit_records_total', help: 'Audit records written.', registers: [this.registry] });
  readonly stateCasRetries = new Counter({
    name: 'openkms_state_cas_retries_total',
    help: "Fleet mode: compare-and-set reservations refused because the key's shared version moved since the state read (another instance's write); each time the batch of decisions is taken again, by key.",
    labelNames: ['label'] as const,
    registers: [this.registry],
  });
  /** The original openKMS's metric names (dashboards built for it). */
  readonly original = new OriginalMetrics(this.registry, this.inFlight);

  /** Sign activity per minute and key for the operator console (GET /admin/activity). */
  readonly activity = new ActivityPerMinute();

  /** Counts one finished sign request under our name and the original's. */
  recordSign(labels: { chain: string; label: string; decision: string; reason: string }, seconds: number): void {
    this.signRequests.inc(labels);
    this.activity.recordSign(labels.label, labels.decision, labels.reason);
    this.original.record(labels.chain, labels.label, labels.decision, labels.reason, seconds);
  }

  constructor(opts: { processMetrics?: boolean } = {}) {
    if (opts.processMetrics !== false) {
      collectDefaultMetrics({ register: this.registry, prefix: 'openkms_' });
      // prom-client names three gauges *_total, which `promtool check metrics` rejects (a counter suffix on a
      // gauge); the per-type gauges without the suffix (openkms_nodejs_active_handles{type} …) carry the same data.
      for (const name of ['active_handles_total', 'active_requests_total', 'active_resources_total'])
        this.registry.removeSingleMetric(`openkms_nodejs_${name}`);
    }
  }
}
