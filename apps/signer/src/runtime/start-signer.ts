import type { DestinationStream, Logger } from 'pino';
import { ErrorCode, isOpenKmsError, openKmsError, type ChainSigner } from '@openkms/core';
import { openAuditLog, loadAuditKey, type AuditIo, type AuditLog } from '@openkms/audit';
import { PolicyEngine, type PolicyKeyConfig } from '@openkms/policy';
import type { Transport } from '@openkms/yubihsm';
import { DenialBudget } from '../auth/denial-budget.js';
import { assertSecretFile } from '../auth/secret-file.js';
import { TokenFileWatcher, diffTokenStores, type TokenChange } from '../auth/token-file-watcher.js';
import type { TokenIdentity } from '../auth/token-store.js';
import { bindConfig, policyKeyConfig } from '../config/check-keys.js';
import { loadConfig } from '../config/load-config.js';
import type { SignerConfig } from '../config/signer-config.js';
import { createApp } from '../http/create-app.js';
import { startApprovals } from '../approvals/start-approvals.js';
import { pairingFileOf } from '../pairing/pairing-file.js';
import { PairingService } from '../pairing/pairing-service.js';
import { startListener } from '../http/create-server.js';
import { KeyDirectory } from '../keys/key-directory.js';
import { createLogger } from '../logging/create-logger.js';
import { SignerMetrics } from '../metrics/signer-metrics.js';
import { composeOpenApi, loadBaseDocument } from '../openapi/compose-openapi.js';
import { policySchemasFor } from '../openapi/policy-schemas.js';
import { RequestValidators } from '../openapi/request-validators.js';
import { ConcurrencyLimiter } from '../pipeline/concurrency-limiter.js';
import { ReplayCache } from '../pipeline/replay-cache.js';
import { SignPipeline } from '../pipeline/sign-pipeline.js';
import { defaultSearchPaths } from '../plugins/discover-plugins.js';
import { loadBackendPlugins } from '../plugins/load-backend-plugins.js';
import { loadPlugins } from '../plugins/load-plugins.js';
import { AuthFailureAuditor } from './auth-failure-auditor.js';
import { CounterCheckpointer, restoreCounters } from './counter-checkpoint.js';
import { startStateStores } from './start-state-store.js';
import { createGatewayServices } from './gateway-services.js';
import { registeredContractsContext } from './registered-contracts-context.js';
import { createRpcServices } from './rpc-services.js';
import { observeBackends, startKeyBackends } from './start-key-backends.js';
import { prepareChains, prepareGatewayChains } from './prepare-chains.js';
import { warnPolicyDeprecations } from './policy-deprecation-warnings.js';
import type { AdminOperations, SignerServices } from './signer-services.js';

export interface StartSignerOptions {
  readonly configFile: string;
  /** Overrides server.listen (the demo's --listen). */
  readonly listen?: { host: string; port: number };
  /** Overrides backend.yubihsm.connectors (the demo points them at its embedded simulator). */
  readonly connectors?: readonly string[];
  /** Overrides the connectors with ready transports (the demo's in-process simulator: no port at all). */
  readonly connectorTransports?: readonly Transport[];
  readonly logDestination?: DestinationStream;
  /** Handle SIGHUP as reload (the CLI sets it; tests call reload() directly). */
  readonly handleSighup?: boolean;
  /** Test hook: replaces the audit log's file operations (fault injection). */
  readonly auditIo?: Partial<AuditIo>;
  /** Test hook: a lower audit record size limit than the default 1 MiB. */
  readonly auditMaxRecordBytes?: number;
  /**
   * Resolve only once the chains' decoders are loaded (default true; they load after the server listens, so /health
   * answers first). The CLI passes false: it installs its signal handlers as soon as the server listens, and the
   * decoders load in the background (a sign request arriving meanwhile waits for them).
   */
  readonly awaitDecoders?: boolean;
}

export interface RunningSigner {
  readonly url: string;
  readonly port: number;
  readonly logger: Logger;
  readonly simulated: boolean;
  reload(): Promise<{ keys: string[] }>;
  /** Graceful shutdown: stop accepting, finish in-flight requests, flush the audit log, close HSM sessions. */
  close(): Promise<void>;
}

/** The policy engine's view of the keys: policy, plus the chain plugin's aliases and id checks (bindConfig found a plugin for each). */
function policyKeys(config: SignerConfig, chains: ReadonlyMap<string, ChainSigner<any, any>>): Record<string, PolicyKeyConfig> {
  const out: Record<string, PolicyKeyConfig> = {};
  for (const [label, k] of Object.entries(config.keys)) out[label] = policyKeyConfig(k, chains.get(k.chain)!);
  return out;
}

/** The composition root: config → plugins → backend → audit → policy → HTTP. */
export async function startSigner(opts: StartSignerOptions): Promise<RunningSigner> {
  const loaded = await loadConfig(opts.configFile);
  const logger = createLogger({
    level: loaded.logging.level,
    ...(opts.logDestination ? { destination: opts.logDestination } : loaded.logging.file ? { destination: loaded.logging.file } : {}),
  });
  const metrics = new SignerMetrics();
  const cleanups: (() => Promise<void>)[] = [];
  try {
    // plugins
    const { plugins, report } = await loadPlugins({
      searchPaths: [...loaded.plugins.searchPaths, ...defaultSearchPaths()],
      ...(loaded.plugins.enabled ? { enabled: loaded.plugins.enabled } : {}),
      options: loaded.plugins.options,
    });
    logger.info({ found: report.found.map((f) => `${f.name}@${f.version}`), loaded: report.loaded, skipped: report.skipped }, 'chain plugins');
    const chains = new Map<string, ChainSigner<any, any>>(plugins.map((p) => [p.signer.chain, p.signer]));
    const backendPlugins = await loadBackendPlugins({
      searchPaths: [...loaded.plugins.searchPaths, ...defaultSearchPaths()],
      ...(loaded.plugins.enabled ? { enabled: loaded.plugins.enabled } : {}),
      kinds: new Set(Object.values(loaded.backends).map((b) => b.kind)),
    });
    logger.info(backendPlugins.report, 'key backend plugins');
    const backendKinds = new Map([...backendPlugins.plugins].map(([kind, p]) => [kind, p.plugin]));
    // every key's options and policy checked by its chain plugin, every backend's options by its backend plugin
    // (all problems reported at once)
    await prepareGatewayChains(chains, loaded);
    let config = bindConfig(loaded, chains, backendKinds);
    const openapi = composeOpenApi(loadBaseDocument(), plugins, policySchemasFor(plugins));
    const validators = new RequestValidators(openapi);

    // secrets
    assertSecretFile(config.auth.tokenFile, 'token file');
    assertSecretFile(config.audit.keyFile, 'audit key file');
    // key backends (each plugin checks its own secret files: HSM password, PKCS#11 PIN, credentials)
    const backend = await startKeyBackends(config, backendKinds, opts, metrics, logger);
    cleanups.push(() => backend.close());
    const health = await backend.health();

    // state: this process (memory) or the fleet's Redis (kill switches, overlays, counters, reservations)
    const stores = await startStateStores(config);
    cleanups.push(() => stores.close());

    // audit
    const auditKey = await loadAuditKey(config.audit.keyFile);
    const audit: AuditLog = await openAuditLog({
      dir: stores.auditDir,
      key: auditKey,
      ...(config.audit.maxBytes === undefined ? {} : { maxBytes: config.audit.maxBytes }),
      daily: config.audit.daily,
      ...(opts.auditIo ? { io: opts.auditIo } : {}),
      ...(opts.auditMaxRecordBytes ? { maxRecordBytes: opts.auditMaxRecordBytes } : {}),
      onWrite: (info: { records: number; fsyncMs: number }) => {
        metrics.auditRecords.inc(info.records);
        metrics.auditWriteDuration.observe(info.fsyncMs / 1000);
      },
    });
    cleanups.push(() => audit.close());

    // policy (counters and rolling spend: the checkpoint written alongside the audit chain plus the records after it)
    const runtime = stores.runtime;
    const engine = new PolicyEngine({ keys: policyKeys(config, chains), state: stores.state, runtime, ...(stores.shared ? { shared: stores.shared } : {}) });
    warnPolicyDeprecations(logger, config);
    const restoreStarted = performance.now();
    const restored = await restoreCounters(stores.auditDir, auditKey);
    if (stores.restoresCounters) await engine.restore(restored.records);
    const restoreLog = {
      source: restored.source,
      records_read: restored.recordsRead,
      signatures: restored.records.length,
      ms: Math.round(performance.now() - restoreStarted),
    };
    if (restored.problem !== undefined)
      logger.warn({ ...restoreLog, problem: restored.problem }, 'counter checkpoint not usable; policy counters rebuilt from the audit log');
    else logger.info(restoreLog, 'policy counters restored');
    const checkpointer = new CounterCheckpointer(audit, auditKey, restored.records);
    cleanups.push(() => checkpointer.write().then(() => undefined));
    await checkpointer.write().catch((err: unknown) => logger.error({ message: (err as Error).message }, 'could not write the counter checkpoint'));

    // keys
    let keys = new KeyDirectory(config.keys, chains, backend);
    for (const f of await keys.resolveAll()) {
      logger.warn(
        { label: f.label, code: isOpenKmsError(f.error) ? f.error.code : 'error' },
        'key not resolved yet (backend unavailable or key missing); it cannot sign until it is',
      );
    }

    const replay = new ReplayCache(config.replay.maxEntries, config.replay.ttlSecs * 1000);
    const backendLimiter = new ConcurrencyLimiter('backend', config.server.maxInFlightPerBackend);
    const requestLimiter = new ConcurrencyLimiter('overall', config.server.maxInFlight);
    const pipeline = new SignPipeline({
      keys: () => keys,
      backend,
      policy: () => engine,
      audit: checkpointer.sink,
      replay,
      backendLimiter,
      metrics,
      // calls to the REST gateway's registered contracts are decoded by their ABIs on every route (gateway is set below)
      decodeContext: registeredContractsContext(
        () => gateway,
        () => config,
      ),
      killSwitch: (label) => (!runtime.isGlobalEnabled() ? ErrorCode.globalDisabled : !runtime.isKeyEnabled(label) ? ErrorCode.keyDisabled : undefined),
      onAuditFailure: (err, decision) =>
        logger.error({ decision, code: isOpenKmsError(err) ? err.code : 'internal_error' }, 'the audit record of a refused request could not be written'),
      approvals: () => approvals,
    });
    // requests held for an operator approval (persisted beside the state file; pending ones reserved again now)
    const { service: approvals, webhook } = await startApprovals({ config: () => config, engine, pipeline, audit, logger, chains });
    cleanups.push(async () => {
      approvals.close();
      webhook?.close();
    });
    // agent pairing (pending pairings and undelivered sealed tokens persisted beside the state file)
    const pairing = new PairingService({
      file: pairingFileOf(config.state.file),
      settings: () => config.pairing,
      labels: () => keys.labels(),
      tokenFile: () => config.auth.tokenFile,
      audit,
      log: (level, obj, msg) => logger[level](obj, msg),
    });
    await pairing.start();
    cleanups.push(async () => pairing.close());
    const authAuditor = new AuthFailureAuditor(audit);
    const denialBudget = new DenialBudget(
      () => config.auth.deniedPerMinute,
      (sum) =>
        audit
          .append({
            request_id: 'denial-budget',
            token_name: sum.tokenName,
            decision: 'deny',
            reason_code: ErrorCode.denialBudgetExceeded,
            reason: `${sum.refused} sign requests refused without a record each: the token had ${sum.denials} requests refused in the window (denied_per_minute = ${sum.limit})`,
            details: {
              refused: sum.refused,
              denials: sum.denials,
              denied_per_minute: sum.limit,
              window_start: new Date(sum.windowStart).toISOString(),
              window_secs: sum.windowMs / 1000,
            },
          })
          .catch((err: unknown) => logger.error({ message: (err as Error).message }, 'could not audit a denial-budget summary')),
    );

    const auditAdmin = (actor: TokenIdentity | undefined, requestId: string, action: string, details: Record<string, unknown>, label?: string) =>
      audit.append(
        { request_id: requestId, token_name: actor?.name ?? 'signal', decision: 'admin', action, ...(label ? { label } : {}), details },
        { durable: true },
      );

    // tokens: `openkms token create/revoke` rewrite the file; the signer picks each change up at the next request
    // (or reload) and audits it. The CLI never writes the audit log itself: the signer is its only writer.
    const auditTokenChanges = (changes: readonly TokenChange[], requestId: string) => {
      for (const c of changes) {
        logger.info({ action: c.action, name: c.name, scopes: c.scopes }, 'token file changed');
        audit
          .append(
            { request_id: requestId, decision: 'admin', action: c.action, details: { name: c.name, scopes: c.scopes, source: 'token_file' } },
            { durable: true },
          )
          .catch((err: unknown) => logger.error({ message: (err as Error).message }, 'could not audit a token change'));
      }
    };
    const auditTokenFile = (action: string, details: Record<string, string>) =>
      audit
        .append({ request_id: 'token-file', decision: 'admin', action, details: { source: 'token_file', ...details } }, { durable: true })
        .catch((err: unknown) => logger.error({ message: (err as Error).message }, 'could not audit a token file event'));
    const tokenHandlers = {
      onChange: (changes: readonly TokenChange[]) => auditTokenChanges(changes, 'token-file'),
      onError: (err: unknown) => {
        const code = isOpenKmsError(err) ? err.code : 'internal_error';
        logger.error({ code, message: (err as Error).message }, 'token file change rejected; every token is refused until it is fixed');
        void auditTokenFile('token_file_rejected', { code });
      },
      onRecover: () => {
        logger.info('token file valid again; tokens are accepted');
        void auditTokenFile('token_file_restored', {});
      },
    };
    let tokens = new TokenFileWatcher(config.auth.tokenFile, tokenHandlers);

    const startupRaw = config.raw;
    let reloading: Promise<{ keys: string[]; restartRequired: string[] }> | undefined;
    let queued: Promise<{ keys: string[]; restartRequired: string[] }> | undefined;
    const reload = async (actor: TokenIdentity | undefined, requestId: string): Promise<{ keys: string[]; restartRequired: string[] }> => {
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
          const nextLoaded = await loadConfig(config.file);
          await prepareGatewayChains(chains, nextLoaded);
          const next = bindConfig(nextLoaded, chains, backendKinds);
          // all or nothing: everything that can fail is prepared first; the policy engine switches last
          const nextKeys = keys.replace(next.keys, chains);
          const nextTokens = new TokenFileWatcher(next.auth.tokenFile, tokenHandlers);
          const nextListener = listener.prepareReload(next);
          engine.reload(policyKeys(next, chains));
          warnPolicyDeprecations(logger, next);
          const restartRequired = [...restartOnlyChanges(startupRaw, next.raw), ...nextListener.restartRequired];
          nextListener.apply();
          config = next;
          logger.level = next.logging.level;
          keys = nextKeys;
          const tokenChanges = diffTokenStores(tokens.store, nextTokens.store);
          tokens = nextTokens;
          await keys.resolveAll();
          await auditAdmin(actor, requestId, 'reload', { ok: true, keys: keys.labels(), restart_required: restartRequired });
          auditTokenChanges(tokenChanges, requestId);
          logger.info({ request_id: requestId, keys: keys.labels() }, 'configuration reloaded');
          if (restartRequired.length > 0)
            logger.warn({ request_id: requestId, restart_required: restartRequired }, 'these settings changed but apply only after a restart');
          return { keys: keys.labels(), restartRequired };
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

    /**
     * Applies an admin change and audits it with its outcome. A change that fails (an invalid overlay, a state file
     * that cannot be written — a disable still holds in memory then) is audited too, with ok: false and the code.
     */
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
    const admin: AdminOperations = {
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

    let shuttingDown = false;
    const activity = { active: 0 };
    const gateway = createGatewayServices({ config: () => config, chains, audit: (actor, rid, action, details) => auditAdmin(actor, rid, action, details) });
    const services: SignerServices = {
      config: () => config,
      logger,
      metrics,
      tokens: () => tokens.tokens(),
      openapi,
      validators,
      chains,
      keys: () => keys,
      backend,
      pipeline,
      rpc: createRpcServices(),
      gateway,
      admin,
      approvals,
      pairing,
      requestLimiter,
      denialBudget,
      policyView: async (label) => (await engine.viewAsync(label)) as unknown as Record<string, unknown>,
      observeBudgets: (label) => observeBudgets(metrics, engine, label === undefined ? keys.labels() : [label]),
      keyEnabled: (label) => runtime.isGlobalEnabled() && runtime.isKeyEnabled(label),
      auditAuthFailure: (info) => authAuditor.report(info),
      auditRefusal: (info) => {
        audit
          .append({
            request_id: info.requestId,
            ...(info.tokenName ? { token_name: info.tokenName } : {}),
            ...(info.label ? { label: info.label } : {}),
            ...(info.chain ? { chain: info.chain } : {}),
            decision: info.decision,
            reason_code: info.code,
            reason: info.reason,
            details: { route: info.route, ...info.details },
          })
          .catch((err: unknown) =>
            logger.error(
              { decision: info.decision, code: isOpenKmsError(err) ? err.code : 'internal_error' },
              'the audit record of a refused request could not be written',
            ),
          );
      },
      shuttingDown: () => shuttingDown,
      auditUp: () => audit.state === 'open',
      activity,
    };

    const app = createApp(services);
    const listener = await startListener(config, app, opts.listen ?? { host: config.server.host, port: config.server.port }, logger);
    const { server, url } = listener;
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    logger.info({ url, chains: [...chains.keys()], keys: keys.labels(), simulated: health.simulated }, 'openKMS signer listening');

    const healthTimer = setInterval(() => {
      observeBackends(backend, metrics).catch(() => undefined);
    }, 5_000);
    healthTimer.unref();
    // counter checkpoint every 30 s (startup then reads only the records after it); denial summaries of ended minutes
    const checkpointTimer = setInterval(() => {
      denialBudget.sweep();
      checkpointer.write().catch((err: unknown) => logger.error({ message: (err as Error).message }, 'could not write the counter checkpoint'));
    }, 30_000);
    checkpointTimer.unref();
    observeBudgets(metrics, engine, keys.labels());

    const onHup = () => {
      reload(undefined, 'sighup').catch(() => undefined);
    };
    if (opts.handleSighup) process.on('SIGHUP', onHup);

    let closing: Promise<void> | undefined;
    const close = () =>
      (closing ??= (async () => {
        shuttingDown = true;
        approvals.close();
        webhook?.close();
        pairing.close();
        clearInterval(healthTimer);
        clearInterval(checkpointTimer);
        if (opts.handleSighup) process.off('SIGHUP', onHup);
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        const deadline = Date.now() + config.server.shutdownGraceMs;
        while (activity.active > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
        server.closeAllConnections();
        await closed;
        denialBudget.sweep(true);
        await checkpointer.write().catch((err: unknown) => logger.error({ message: (err as Error).message }, 'could not write the counter checkpoint'));
        await audit.close().catch((err: unknown) => logger.error({ message: (err as Error).message }, 'audit log close failed'));
        await backend.close().catch(() => undefined);
        logger.info('openKMS signer stopped');
        logger.flush?.();
      })());

    // the chains' decoders (imported lazily by their plugins) load now that /health answers; by default startSigner
    // resolves once they are loaded, so a caller's first sign request does not wait for them (nor spend its deadline)
    const decoders = prepareChains(chains, config, logger).then(() => {
      // the sign routes' request validators too (ajv is loaded only now; the start-up schemas were precompiled)
      try {
        validators.warm([...chains.keys()].map((chain) => `SignRequest.${chain}`));
      } catch (err) {
        logger.error({ message: (err as Error).message }, 'request validators could not be compiled; they are compiled on first use');
      }
    });
    if (opts.awaitDecoders !== false) await decoders;
    return { url, port: listener.port, logger, simulated: health.simulated, reload: () => reload(undefined, 'api'), close };
  } catch (err) {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
    throw err;
  }
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

/** Rolling-window spend and what is left of each capped asset, from the policy engine's view of each key. */
function observeBudgets(metrics: SignerMetrics, engine: PolicyEngine, labels: readonly string[]): void {
  for (const label of labels) {
    let spend;
    try {
      spend = engine.budgets(label);
    } catch {
      continue; // a label the engine does not know (yet): nothing to report
    }
    for (const s of spend) {
      metrics.budgetUsed.set({ label, asset: s.asset }, Number(s.spent));
      if (s.remaining !== null) metrics.budgetRemaining.set({ label, asset: s.asset }, Number(s.remaining));
    }
  }
}
