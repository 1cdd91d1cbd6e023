import type { Logger } from 'pino';
import { ErrorCode, isOpenKmsError, openKmsError, type ChainSigner, type KeyBackendPlugin } from '@openkms/core';
import type { PolicyEngine } from '@openkms/policy';
import { TokenFileWatcher, diffTokenStores } from '../auth/token-file-watcher.js';
import type { TokenIdentity } from '../auth/token-store.js';
import { bindConfig } from '../config/check-keys.js';
import { loadConfig } from '../config/load-config.js';
import type { SignerConfig } from '../config/signer-config.js';
import type { KeyDirectory } from '../keys/key-directory.js';
import type { AuditAdmin } from './admin-audit.js';
import { warnPolicyDeprecations } from './policy-deprecation-warnings.js';
import { policyKeys } from './policy-keys.js';
import { prepareGatewayChains } from './prepare-chains.js';
import type { TokenFileAuditing } from './token-file-auditing.js';

/** The parts a reload replaces: read and written through these accessors, so every user sees the new ones at once. */
export interface ReloadableParts {
  config: SignerConfig;
  keys: KeyDirectory;
  tokens: TokenFileWatcher;
}

export interface ConfigReloaderParts {
  readonly live: ReloadableParts;
  readonly chains: ReadonlyMap<string, ChainSigner<any, any>>;
  readonly backendKinds: ReadonlyMap<string, KeyBackendPlugin>;
  readonly engine: PolicyEngine;
  readonly logger: Logger;
  /** The listener (created after the reloader): prepares its new TLS files and limits. */
  readonly listener: () => { prepareReload(next: SignerConfig): { apply(): void; restartRequired: string[] } };
  readonly tokenAuditing: TokenFileAuditing;
  readonly auditAdmin: AuditAdmin;
}

export type Reload = (actor: TokenIdentity | undefined, requestId: string) => Promise<{ keys: string[]; restartRequired: string[] }>;

/**
 * Reload (SIGHUP, POST /admin/reload): re-reads the config file and applies keys, policies, tokens, the log level and
 * the per-request settings, all or nothing; settings wired in at startup are reported as needing a restart. Audited
 * with its outcome either way.
 */
export function createConfigReloader(p: ConfigReloaderParts): Reload {
  const { live, chains, backendKinds, engine, logger, auditAdmin } = p;
  const startupRaw = live.config.raw;
  let reloading: Promise<{ keys: string[]; restartRequired: string[] }> | undefined;
  let queued: Promise<{ keys: string[]; restartRequired: string[] }> | undefined;
  const reload: Reload = async (actor, requestId) => {
    // a reload asked for while one runs may be about a newer file: it runs once more afterwards (never dropped);
    // the requests that arrive meanwhile share that one run
    if (reloading) {
      queued ??= reloading
        .catch(() => undefined)
        .then(() => {
          queued = undefined;
          return reload(actor, requestId);
        });
      return queued;
    }
    reloading = (async () => {
      try {
        const nextLoaded = await loadConfig(live.config.file);
        await prepareGatewayChains(chains, nextLoaded);
        const next = bindConfig(nextLoaded, chains, backendKinds);
        // all or nothing: everything that can fail is prepared first; the policy engine switches last
        const nextKeys = live.keys.replace(next.keys, chains);
        const nextTokens = new TokenFileWatcher(next.auth.tokenFile, p.tokenAuditing.handlers);
        const nextListener = p.listener().prepareReload(next);
        engine.reload(policyKeys(next, chains));
        warnPolicyDeprecations(logger, next);
        const restartRequired = [...restartOnlyChanges(startupRaw, next.raw), ...nextListener.restartRequired];
        nextListener.apply();
        live.config = next;
        logger.level = next.logging.level;
        live.keys = nextKeys;
        const tokenChanges = diffTokenStores(live.tokens.store, nextTokens.store);
        live.tokens = nextTokens;
        await live.keys.resolveAll();
        await auditAdmin(actor, requestId, 'reload', { ok: true, keys: live.keys.labels(), restart_required: restartRequired });
        p.tokenAuditing.auditTokenChanges(tokenChanges, requestId);
        logger.info({ request_id: requestId, keys: live.keys.labels() }, 'configuration reloaded');
        if (restartRequired.length > 0)
          logger.warn({ request_id: requestId, restart_required: restartRequired }, 'these settings changed but apply only after a restart');
        return { keys: live.keys.labels(), restartRequired };
      } catch (err) {
        await auditAdmin(actor, requestId, 'reload', { ok: false, code: isOpenKmsError(err) ? err.code : 'internal_error' }).catch(() => undefined);
        logger.error(
          { request_id: requestId, code: isOpenKmsError(err) ? err.code : 'internal_error', message: (err as Error).message },
          'reload rejected; the running configuration stays',
        );
        throw isOpenKmsError(err) ? err : openKmsError(ErrorCode.configInvalid, (err as Error).message, {});
      } finally {
        reloading = undefined;
      }
    })();
    return reloading;
  };
  return reload;
}

/**
 * Settings that are wired into long-lived parts at startup (listener, limits, audit log, state file, replay cache,
 * key backend, plugins). A reload applies keys, policies, tokens, the log level and the per-request settings; for
 * these it reports which changed, so the operator knows a restart is needed.
 */
const RESTART_ONLY = [
  'server.listen',
  'server.max_in_flight',
  'server.max_in_flight_per_backend',
  'logging.file',
  'audit',
  'state',
  'approvals',
  'replay',
  'backend',
  'backends',
  'plugins',
];

function restartOnlyChanges(before: Readonly<Record<string, unknown>>, after: Readonly<Record<string, unknown>>): string[] {
  const at = (root: Readonly<Record<string, unknown>>, path: string) =>
    path.split('.').reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], root);
  return RESTART_ONLY.filter((path) => JSON.stringify(at(before, path)) !== JSON.stringify(at(after, path)));
}
