import type { Logger } from 'pino';
import type { PolicyEngine } from '@openkms/policy';
import type { SignerConfig } from '../config/signer-config.js';
import type { AuditSink, ReservationLike } from '../pipeline/ports.js';
import type { RecordStore } from '../runtime/record-store.js';
import type { SignPipeline } from '../pipeline/sign-pipeline.js';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { isOpenKmsError, type ChainSigner } from '@openkms/core';
import { assertSecretFile } from '../auth/secret-file.js';
import type { ApprovalRecord } from './approval-record.js';
import type { ApprovalEvent } from './approval-service.js';
import { approvalsFileOf } from './approval-file.js';
import { ApprovalService } from './approval-service.js';
import { ApprovalWebhook } from './approval-webhook.js';

/** Builds the approval service of a running signer and restores its pending approvals (see ApprovalService.start). */
export async function startApprovals(deps: {
  config: () => SignerConfig;
  engine: PolicyEngine;
  pipeline: SignPipeline;
  audit: AuditSink;
  logger: Logger;
  /** The chain plugins (their describeAsset gives operators amounts in units). */
  chains?: ReadonlyMap<string, Pick<ChainSigner<any, any>, 'describeAsset'>>;
  /** Test seam: the webhook's retry delays. */
  webhookRetryDelaysMs?: readonly number[];
  /** Fleet mode: the approvals in the fleet's Redis, and their held reservations by id (see fleet-records.ts). */
  store?: RecordStore<ApprovalRecord>;
  reservationById?: (label: string, id: string) => ReservationLike;
}): Promise<{ service: ApprovalService; webhook?: { close(): void } }> {
  const log = (level: 'warn' | 'error', obj: Record<string, unknown>, msg: string) => deps.logger[level](obj, msg);
  const hook = deps.config().approvals;
  let webhook: ApprovalWebhook | undefined;
  if (hook !== undefined) {
    assertSecretFile(hook.webhookSecretFile, 'approvals webhook secret file');
    const secret = readFileSync(hook.webhookSecretFile);
    webhook = new ApprovalWebhook({ url: hook.webhookUrl, secret, log, ...(deps.webhookRetryDelaysMs ? { retryDelaysMs: deps.webhookRetryDelaysMs } : {}) });
  }
  // a key's own webhook (policy approval.webhook_url): read from the key's effective policy at each change; its secret
  // file is read then too (mode 0600 checked), so a rotated secret applies at once; a bad one is logged, not sent
  const keyHooks = new Map<string, ApprovalWebhook>();
  const notifyKey = (record: ApprovalRecord, event: ApprovalEvent) => {
    let approval;
    try {
      approval = deps.engine.effectivePolicy(record.label).approval;
    } catch {
      return; // the key is gone
    }
    if (approval?.webhook_url === undefined || approval.webhook_secret_file === undefined) return;
    const file = resolve(deps.config().dir, approval.webhook_secret_file);
    // the same hook as the global one: sent once
    if (hook?.webhookUrl === approval.webhook_url && resolve(hook.webhookSecretFile) === file && !approval.webhook_include_request) return;
    let secret: Buffer;
    try {
      assertSecretFile(file, `approval webhook secret file of ${record.label}`);
      secret = readFileSync(file);
    } catch (err) {
      log(
        'error',
        { label: record.label, approval_id: record.id, code: isOpenKmsError(err) ? err.code : 'internal_error' },
        'approval webhook secret file unreadable; not sent',
      );
      return;
    }
    const includeRequest = approval.webhook_include_request === true;
    const key = `${approval.webhook_url}\u0000${includeRequest}\u0000${secret.toString('hex')}`;
    let target = keyHooks.get(key);
    if (target === undefined) {
      target = new ApprovalWebhook({
        url: approval.webhook_url,
        secret,
        log,
        includeRequest,
        ...(deps.webhookRetryDelaysMs ? { retryDelaysMs: deps.webhookRetryDelaysMs } : {}),
      });
      keyHooks.set(key, target);
    }
    target.notify(record, event);
  };
  const service = new ApprovalService({
    file: approvalsFileOf(deps.config().state.file),
    ...(deps.store ? { store: deps.store } : {}),
    ...(deps.reservationById ? { reservationById: deps.reservationById } : {}),
    policy: () => deps.engine,
    sign: (chain, body, ctx) => deps.pipeline.sign(chain, body, ctx),
    audit: deps.audit,
    requestTimeoutMs: () => deps.config().server.requestTimeoutMs,
    describeAsset: (chain, asset) => deps.chains?.get(chain)?.describeAsset?.(asset),
    log,
    onChange: (record, event) => {
      webhook?.notify(record, event);
      notifyKey(record, event);
    },
  });
  await service.start();
  const close = () => {
    webhook?.close();
    for (const h of keyHooks.values()) h.close();
  };
  return { service, webhook: { close } };
}
