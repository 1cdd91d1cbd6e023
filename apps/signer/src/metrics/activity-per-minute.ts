/** Counts of one key in one minute. */
export interface KeyMinute {
  /** Sign requests by decision (allow, deny, replay, error, shed, pending). */
  readonly decisions: Record<string, number>;
  /** Refusals (deny, error, shed) by reason code. */
  readonly reasons: Record<string, number>;
  /** Key backend (HSM) signing calls and their latency. */
  backendCalls: number;
  backendMsSum: number;
  backendMsMax: number;
}

export interface ActivityMinute {
  /** Start of the minute, ISO-8601 UTC. */
  readonly minute: string;
  readonly keys: Record<string, KeyMinute>;
}

const MINUTE_MS = 60_000;
/** Labels counted apart per minute; further ones (a token probing unknown labels) are counted under OTHER_LABELS. */
const MAX_LABELS = 256;
export const OTHER_LABELS = '(other labels)';

/**
 * The signer's sign activity of the last `minutes` minutes, per minute and key, in memory (the operator console's
 * chart; lost on restart, the audit log is the record). Fed by SignerMetrics next to the Prometheus counters.
 */
export class ActivityPerMinute {
  private readonly buckets = new Map<number, Map<string, KeyMinute>>();

  constructor(
    private readonly minutes = 60,
    private readonly now: () => number = Date.now,
  ) {}

  private key(label: string): KeyMinute {
    const minute = Math.floor(this.now() / MINUTE_MS) * MINUTE_MS;
    let bucket = this.buckets.get(minute);
    if (bucket === undefined) {
      bucket = new Map();
      this.buckets.set(minute, bucket);
      for (const m of this.buckets.keys()) if (m <= minute - this.minutes * MINUTE_MS) this.buckets.delete(m);
    }
    if (!bucket.has(label) && bucket.size >= MAX_LABELS) label = OTHER_LABELS;
    let k = bucket.get(label);
    if (k === undefined) {
      k = { decisions: {}, reasons: {}, backendCalls: 0, backendMsSum: 0, backendMsMax: 0 };
      bucket.set(label, k);
    }
    return k;
  }

  recordSign(label: string, decision: string, reason: string): void {
    const k = this.key(label);
    k.decisions[decision] = (k.decisions[decision] ?? 0) + 1;
    if (decision !== 'allow' && decision !== 'replay' && decision !== 'pending') k.reasons[reason] = (k.reasons[reason] ?? 0) + 1;
  }

  recordBackendLatency(label: string, seconds: number): void {
    const k = this.key(label);
    const ms = seconds * 1000;
    k.backendCalls++;
    k.backendMsSum += ms;
    k.backendMsMax = Math.max(k.backendMsMax, ms);
  }

  /** Every minute of the window, oldest first (minutes without activity have no keys). */
  snapshot(): ActivityMinute[] {
    const last = Math.floor(this.now() / MINUTE_MS) * MINUTE_MS;
    const out: ActivityMinute[] = [];
    for (let m = last - (this.minutes - 1) * MINUTE_MS; m <= last; m += MINUTE_MS) {
      const bucket = this.buckets.get(m);
      const keys: Record<string, KeyMinute> = {};
      for (const [label, k] of bucket ?? []) keys[label] = { ...k, decisions: { ...k.decisions }, reasons: { ...k.reasons } };
      out.push({ minute: new Date(m).toISOString(), keys });
    }
    return out;
  }
}
