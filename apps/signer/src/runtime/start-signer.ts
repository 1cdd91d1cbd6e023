import type { DestinationStream, Logger } from 'pino';
import { ErrorCode, isOpenKmsError, type ChainSigner } from '@openkms/core';
import { openAuditLog, loadAuditKey, type AuditIo, type AuditLog } from '@openkms/audit';
import { PolicyEngine } from '@openkms/policy';
import type { Transport } from '@openkms/yubihsm';
import { DenialBudget } from '../auth/denial-budget.js';
import { assertSecretFile } from '../auth/secret-file.js';
import { TokenFileWatcher } from '../auth/token-file-watcher.js';
import { bindConfig } from '../config/check-keys.js';
import { loadConfig } from '../config/load-config.js';
import { createApp } from '../http/create-app.js';
import { startApprovals } from '../approvals/start-approvals.js';
import { pairingFileOf } from '../pairing/pairing-file.js';
import { PairingService } from '../pairing/pairing-service.js';
import { startListener } from '../http/create-server.js';
import { KeyDirectory } from '../keys/key-directory.js';
import { createLogger } from '../logging/create-logger.js';
import { observeBudgets } from '../metrics/observe-budgets.js';
import { SignerMetrics } from '../metrics/signer-metrics.js';
import { composeOpenApi, loadBaseDocument } from '../openapi/compose-openapi.js';
import { policySchemasFor } from '../openapi/policy-schemas.js';
import { RequestValidators } from '../openapi/request-validators.js';
import { ConcurrencyLimiter } from '../pipeline/concurrency-limiter.js';
import { MemoryReplayStore } from '../pipeline/memory-replay-store.js';
import { ReplayCache } from '../pipeline/replay-cache.js';
import { SignPipeline } from '../pipeline/sign-pipeline.js';
import { defaultSearchPaths } from '../plugins/discover-plugins.js';
import { loadBackendPlugins } from '../plugins/load-backend-plugins.js';
import { loadPlugins } from '../plugins/load-plugins.js';
import { createAuditAdmin } from './admin-audit.js';
import { createAdminOperations } from './admin-operations.js';
import { createConfigReloader, type ReloadableParts } from './config-reloader.js';
import { policyKeys } from './policy-keys.js';
import { AuthFailureAuditor } from './auth-failure-auditor.js';
import { CounterCheckpointer, restoreCounters } from './counter-checkpoint.js';
import { fleetApprovals, fleetPairings } from './fleet-records.js';
import { startStateStores } from './start-state-store.js';
import { createTokenFileAuditing } from './token-file-auditing.js';
import { createGatewayServices } from './gateway-services.js';
import { registeredContractsContext } from './registered-contracts-context.js';
import { createRpcServices } from './rpc-services.js';
import { observeBackends, startKeyBackends } from './start-key-backends.js';
import { prepareChains, prepareGatewayChains } from './prepare-chains.js';
import { warnPolicyDeprecations } from './policy-deprecation-warnings.js';
import type { SignerServices } from './signer-services.js';

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
    if (stores.fleetStatus === 'lost') logger.error({ code: 'state_lost' }, 'Redis lost the fleet state: nothing is signed until openkms state rebuild');

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
    const engine = new PolicyEngine({
      keys: policyKeys(config, chains),
      state: stores.state,
      runtime,
      ...(stores.shared ? { shared: stores.shared, onCasRetry: (label: string) => metrics.stateCasRetries.inc({ label }) } : {}),
    });
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

    const replay =
      stores.replay ?? new MemoryReplayStore(new ReplayCache(config.replay.maxEntries, config.replay.ttlSecs * 1000, Date.now, config.replay.maxBytes));
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
    const { service: approvals, webhook } = await startApprovals({ config: () => config, engine, pipeline, audit, logger, chains, ...fleetApprovals(stores) });
    cleanups.push(async () => {
      approvals.close();
      webhook?.close();
    });
    // agent pairing (pending pairings and undelivered sealed tokens persisted beside the state file)
    const pairing = new PairingService({
      file: pairingFileOf(config.state.file),
      ...fleetPairings(stores),
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

    const auditAdmin = createAuditAdmin(audit);
    const tokenAuditing = createTokenFileAuditing(audit, logger);
    let tokens = new TokenFileWatcher(config.auth.tokenFile, tokenAuditing.handlers);

    const live: ReloadableParts = {
      get config() {
        return config;
      },
      set config(next) {
        config = next;
      },
      get keys() {
        return keys;
      },
      set keys(next) {
        keys = next;
      },
      get tokens() {
        return tokens;
      },
      set tokens(next) {
        tokens = next;
      },
    };
    const reload = createConfigReloader({ live, chains, backendKinds, engine, logger, listener: () => listener, tokenAuditing, auditAdmin });
    const admin = createAdminOperations({ auditAdmin, logger, runtime, engine, stores, reload });

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
      rpc: createRpcServices({ ...(stores.nonces ? { nonceStore: stores.nonces } : {}), config: () => config }),
      gateway,
      admin,
      approvals,
      pairing,
      requestLimiter,
      denialBudget,
      policyView: async (label) => (await engine.viewAsync(label)) as unknown as Record<string, unknown>,
      // after a signature (label given): the in-memory totals are free to copy; in fleet mode the gauges are only read
      // by a scrape, which reads the fleet's counters itself, so a Redis read per signature would be wasted work
      observeBudgets: (label) =>
        label !== undefined && engine.shared !== undefined ? undefined : observeBudgets(metrics, engine, label === undefined ? keys.labels() : [label]),
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
    void observeBudgets(metrics, engine, keys.labels());

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
        // the fleet's Redis connections (after the last commit above); nothing for the in-memory state
        await stores.close().catch(() => undefined);
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
