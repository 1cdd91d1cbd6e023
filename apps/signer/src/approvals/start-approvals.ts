import type { Logger } from 'pino';
import type { PolicyEngine } from '@openkms/policy';
import type { SignerConfig } from '../config/signer-config.js';
import type { AuditSink } from '../pipeline/ports.js';
import type { SignPipeline } from '../pipeline/sign-pipeline.js';
import { readFileSync } from 'node:fs';
import { assertSecretFile } from '../auth/secret-file.js';
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
  /** Test seam: the webhook's retry delays. */
  webhookRetryDelaysMs?: readonly number[];
}): Promise<{ service: ApprovalService; webhook?: ApprovalWebhook }> {
  const log = (level: 'warn' | 'error', obj: Record<string, unknown>, msg: string) => deps.logger[level](obj, msg);
  const hook = deps.config().approvals;
  let webhook: ApprovalWebhook | undefined;
  if (hook !== undefined) {
    assertSecretFile(hook.webhookSecretFile, 'approvals webhook secret file');
    const secret = readFileSync(hook.webhookSecretFile);
    webhook = new ApprovalWebhook({ url: hook.webhookUrl, secret, log, ...(deps.webhookRetryDelaysMs ? { retryDelaysMs: deps.webhookRetryDelaysMs } : {}) });
  }
  const service = new ApprovalService({
    file: approvalsFileOf(deps.config().state.file),
    policy: () => deps.engine,
    sign: (chain, body, ctx) => deps.pipeline.sign(chain, body, ctx),
    audit: deps.audit,
    requestTimeoutMs: () => deps.config().server.requestTimeoutMs,
    log,
    ...(webhook ? { onChange: (record, event) => webhook.notify(record, event) } : {}),
  });
  await service.start();
  return { service, ...(webhook ? { webhook } : {}) };
}
