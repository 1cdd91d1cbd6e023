import type { Logger } from 'pino';
import type { PolicyEngine } from '@openkms/policy';
import type { SignerConfig } from '../config/signer-config.js';
import type { AuditSink } from '../pipeline/ports.js';
import type { SignPipeline } from '../pipeline/sign-pipeline.js';
import { approvalsFileOf } from './approval-file.js';
import { ApprovalService } from './approval-service.js';

/** Builds the approval service of a running signer and restores its pending approvals (see ApprovalService.start). */
export async function startApprovals(deps: {
  config: () => SignerConfig;
  engine: PolicyEngine;
  pipeline: SignPipeline;
  audit: AuditSink;
  logger: Logger;
}): Promise<ApprovalService> {
  const service = new ApprovalService({
    file: approvalsFileOf(deps.config().state.file),
    policy: () => deps.engine,
    sign: (chain, body, ctx) => deps.pipeline.sign(chain, body, ctx),
    audit: deps.audit,
    requestTimeoutMs: () => deps.config().server.requestTimeoutMs,
    log: (level, obj, msg) => deps.logger[level](obj, msg),
  });
  await service.start();
  return service;
}
