import type { Logger } from 'pino';
import type { ChainSigner, ErrorCode } from '@openkms/core';
import type { DenialBudget } from '../auth/denial-budget.js';
import type { TokenIdentity, TokenStore } from '../auth/token-store.js';
import type { SignerConfig } from '../config/signer-config.js';
import type { KeyBackendRouter } from '../keys/backend-router.js';
import type { KeyDirectory } from '../keys/key-directory.js';
import type { SignerMetrics } from '../metrics/signer-metrics.js';
import type { OpenApiDocument } from '../openapi/compose-openapi.js';
import type { RequestValidators } from '../openapi/request-validators.js';
import type { ConcurrencyLimiter } from '../pipeline/concurrency-limiter.js';
import type { SignPipeline } from '../pipeline/sign-pipeline.js';
import type { ApprovalService } from '../approvals/approval-service.js';
import type { PairingService } from '../pairing/pairing-service.js';
import type { GatewayServices } from './gateway-services.js';
import type { RpcServices } from './rpc-services.js';

/** Admin operations (kill switches, overlays, reload); each is audited by its implementation. */
export interface AdminOperations {
  setGlobalEnabled(enabled: boolean, actor: TokenIdentity, requestId: string): Promise<{ enabled: boolean }>;
  setKeyEnabled(label: string, enabled: boolean, actor: TokenIdentity, requestId: string): Promise<{ label: string; enabled: boolean }>;
  getOverlay(label: string): Record<string, unknown>;
  patchOverlay(label: string, patch: Record<string, unknown>, actor: TokenIdentity, requestId: string): Promise<Record<string, unknown>>;
  clearOverlay(label: string, actor: TokenIdentity, requestId: string): Promise<Record<string, unknown>>;
  /** Reloads the config file; `restartRequired` lists changed settings that apply only after a restart. */
  reload(actor: TokenIdentity | undefined, requestId: string): Promise<{ keys: string[]; restartRequired: string[] }>;
}

export interface RefusalInfo {
  readonly decision: 'deny' | 'shed';
  readonly code: ErrorCode;
  readonly reason: string;
  readonly requestId: string;
  readonly route: string;
  readonly tokenName?: string;
  readonly label?: string;
  readonly chain?: string;
  readonly details?: Readonly<Record<string, string>>;
}

/** Everything the HTTP layer needs; built by the runtime from the config. */
export interface SignerServices {
  readonly config: () => SignerConfig;
  readonly logger: Logger;
  readonly metrics: SignerMetrics;
  readonly tokens: () => TokenStore;
  readonly openapi: OpenApiDocument;
  readonly validators: RequestValidators;
  readonly chains: ReadonlyMap<string, ChainSigner<any, any>>;
  readonly keys: () => KeyDirectory;
  /** Every key backend, by name (each key's calls go to its own). */
  readonly backend: KeyBackendRouter;
  readonly pipeline: SignPipeline;
  /** The JSON-RPC endpoint's nonce manager and upstream clients (POST /rpc/<chain>/<network>). */
  readonly rpc: RpcServices;
  /** The REST gateway's contract registry (/gateway/<contract>/<method>, /admin/gateway/contracts). */
  readonly gateway: GatewayServices;
  readonly admin: AdminOperations;
  /** Requests held for an operator approval (absent: none can be held; such requests are refused). */
  readonly approvals?: ApprovalService;
  /** Agent pairing (POST /pairing, /admin/pairing…); absent: the routes answer pairing_not_found. */
  readonly pairing?: PairingService;
  readonly requestLimiter: ConcurrencyLimiter;
  /** Per-token budget of refused sign requests (`auth.denied_per_minute`). */
  readonly denialBudget: DenialBudget;
  /** Policy view of a key (effective policy, counters, spend), without chain/address. */
  policyView(label: string): Record<string, unknown> | Promise<Record<string, unknown>>;
  keyEnabled(label: string): boolean;
  /** Refreshes the budget gauges (spent / remaining per asset) of one key, or of every key (fleet mode: from Redis). */
  observeBudgets(label?: string): void | Promise<void>;
  /** Audits an authentication failure (rate-limited by the implementation). */
  auditAuthFailure(info: { requestId: string; reason: string; route: string; remote: string }): void;
  /** Audits a request refused because its token lacks the scope (a deny decision). */
  /** Audits a request refused before the pipeline (a scope refusal, or load shedding at the overall limit). */
  auditRefusal(info: RefusalInfo): void;
  readonly shuttingDown: () => boolean;
  /** False once the audit log has failed (every signature is refused until the signer is restarted). */
  readonly auditUp: () => boolean;
  /** Requests being handled on any route; graceful shutdown waits for it to reach 0. */
  readonly activity: { active: number };
}
