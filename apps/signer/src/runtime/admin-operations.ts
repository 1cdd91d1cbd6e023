import type { Logger } from 'pino';
import { isOpenKmsError } from '@openkms/core';
import type { PolicyEngine, RuntimeState } from '@openkms/policy';
import type { TokenIdentity } from '../auth/token-store.js';
import type { AuditAdmin } from './admin-audit.js';
import type { AdminOperations } from './signer-services.js';
import type { StateStores } from './start-state-store.js';

export interface AdminOperationsParts {
  readonly auditAdmin: AuditAdmin;
  readonly logger: Logger;
  readonly runtime: RuntimeState;
  readonly engine: PolicyEngine;
  /** Applies a change to the kill switches or overlays (in fleet mode: shared with every instance). */
  readonly stores: Pick<StateStores, 'change'>;
  readonly reload: AdminOperations['reload'];
}

/**
 * The admin API's operations: kill switches and overlays, each applied and audited with its outcome. A change that
 * fails (an invalid overlay, a state file that cannot be written — a disable still holds in memory then) is audited
 * too, with ok: false and the code.
 */
export function createAdminOperations({ auditAdmin, logger, runtime, engine, stores, reload }: AdminOperationsParts): AdminOperations {
  const adminChange = async (
    actor: TokenIdentity,
    requestId: string,
    action: string,
    details: Record<string, unknown>,
    label: string | undefined,
    change: () => unknown,
  ) => {
    try {
      await change();
    } catch (err) {
      await auditAdmin(actor, requestId, action, { ...details, ok: false, code: isOpenKmsError(err) ? err.code : 'internal_error' }, label).catch(
        (e: unknown) => logger.error({ action, message: (e as Error).message }, 'could not audit a failed admin action'),
      );
      throw err;
    }
    await auditAdmin(actor, requestId, action, { ...details, ok: true }, label);
  };
  return {
    async setGlobalEnabled(enabled, actor, requestId) {
      await adminChange(actor, requestId, enabled ? 'global_enable' : 'global_disable', { enabled }, undefined, () =>
        stores.change(() => runtime.setGlobalEnabled(enabled)),
      );
      return { enabled };
    },
    async setKeyEnabled(label, enabled, actor, requestId) {
      await adminChange(actor, requestId, enabled ? 'key_enable' : 'key_disable', { enabled }, label, () =>
        stores.change(() => runtime.setKeyEnabled(label, enabled)),
      );
      return { label, enabled };
    },
    getOverlay(label) {
      return (runtime.getOverlay(label) ?? {}) as Record<string, unknown>;
    },
    async patchOverlay(label, patch, actor, requestId) {
      await adminChange(actor, requestId, 'policy_overlay_patch', { patch }, label, () => stores.change(() => engine.patchOverlay(label, patch)));
      return (runtime.getOverlay(label) ?? {}) as Record<string, unknown>;
    },
    async clearOverlay(label, actor, requestId) {
      await adminChange(actor, requestId, 'policy_overlay_clear', {}, label, () => stores.change(() => runtime.clearOverlay(label)));
      return {};
    },
    reload,
  };
}
