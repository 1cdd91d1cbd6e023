import { createHmac } from 'node:crypto';
import { approvalView, type ApprovalRecord } from './approval-record.js';
import type { ApprovalEvent } from './approval-service.js';

export interface ApprovalWebhookOptions {
  readonly url: string;
  /** The HMAC-SHA256 key (the webhook secret file's content). */
  readonly secret: Uint8Array;
  /** Delays before each retry (default 1, 2, 4, 8, 16 s): a delivery is tried once plus once per delay. */
  readonly retryDelaysMs?: readonly number[];
  readonly timeoutMs?: number;
  readonly log?: (level: 'warn' | 'error', obj: Record<string, unknown>, msg: string) => void;
  /** Also send `request`: the request as the agent sent it, raw transaction bytes included (a key's opt-in). */
  readonly includeRequest?: boolean;
}

/** The header carrying `sha256=<hex HMAC-SHA256 of the raw body>`. */
export const WEBHOOK_SIGNATURE_HEADER = 'x-openkms-signature';

/** `sha256=<hex>` over the exact body bytes: what a receiver recomputes (in constant time) to trust a notification. */
export function webhookSignature(secret: Uint8Array, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/**
 * Pages an operator when an approval changes: a JSON POST `{event, sent_at, approval}` (the approval as
 * GET /admin/approvals shows it: the decoded intent, never the request body, the raw transaction or a token), signed
 * with HMAC-SHA256 in `x-openkms-signature`, retried with exponential backoff on a network error or a non-2xx answer.
 * Delivery never blocks or fails the approval itself.
 */
export class ApprovalWebhook {
  readonly #o: ApprovalWebhookOptions;
  readonly #inflight = new Set<Promise<void>>();
  #closed = false;

  constructor(options: ApprovalWebhookOptions) {
    this.#o = options;
  }

  notify(record: ApprovalRecord, event: ApprovalEvent): void {
    if (this.#closed) return;
    const body = JSON.stringify({
      event,
      sent_at: new Date().toISOString(),
      approval: approvalView(record),
      ...(this.#o.includeRequest ? { request: record.body } : {}),
    });
    const p = this.#deliver(body, event, record.id).finally(() => this.#inflight.delete(p));
    this.#inflight.add(p);
  }

  /** Stops retrying; deliveries in progress finish their current attempt. */
  close(): void {
    this.#closed = true;
  }

  /** Resolves once every delivery started so far has finished (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.#inflight.size > 0) await Promise.allSettled([...this.#inflight]);
  }

  async #deliver(body: string, event: ApprovalEvent, id: string): Promise<void> {
    const delays = this.#o.retryDelaysMs ?? [1000, 2000, 4000, 8000, 16000];
    const signature = webhookSignature(this.#o.secret, body);
    for (let attempt = 0; ; attempt++) {
      let outcome: string;
      try {
        const res = await fetch(this.#o.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', [WEBHOOK_SIGNATURE_HEADER]: signature, 'x-openkms-event': event },
          body,
          signal: AbortSignal.timeout(this.#o.timeoutMs ?? 5000),
        });
        await res.arrayBuffer().catch(() => undefined);
        if (res.ok) return;
        outcome = `status ${res.status}`;
      } catch (err) {
        outcome = (err as Error).name === 'TimeoutError' ? 'timeout' : 'network error';
      }
      const delay = delays[attempt];
      if (delay === undefined || this.#closed) {
        this.#o.log?.('error', { approval_id: id, event, attempts: attempt + 1, outcome }, 'approval webhook not delivered');
        return;
      }
      this.#o.log?.('warn', { approval_id: id, event, attempt: attempt + 1, outcome, retry_in_ms: delay }, 'approval webhook failed; retrying');
      await new Promise((r) => setTimeout(r, delay).unref());
    }
  }
}
