import type { AuditSink } from '../pipeline/ports.js';

/**
 * Audits authentication failures without letting a flood of bad tokens flood the log: at most one record per
 * remote address per interval, carrying how many failures it stands for.
 */
export class AuthFailureAuditor {
  private readonly last = new Map<string, { at: number; suppressed: number }>();

  constructor(
    private readonly audit: AuditSink,
    private readonly intervalMs = 10_000,
    private readonly now: () => number = Date.now,
    private readonly maxTracked = 10_000,
  ) {}

  report(info: { requestId: string; reason: string; route: string; remote: string }): void {
    const t = this.now();
    const prev = this.last.get(info.remote);
    if (prev && t - prev.at < this.intervalMs) {
      prev.suppressed++;
      return;
    }
    const suppressed = prev?.suppressed ?? 0;
    if (this.last.size >= this.maxTracked) this.last.clear();
    this.last.set(info.remote, { at: t, suppressed: 0 });
    this.audit
      .append({
        request_id: info.requestId,
        decision: 'auth_failure',
        reason_code: 'unauthorized',
        reason: info.reason,
        details: { route: info.route, remote: info.remote, failures: suppressed + 1 },
      })
      .catch(() => undefined);
  }
}
