import type { Logger } from 'pino';
import type { KeyBackend, KeyBackendEvent, KeyBackendPlugin } from '@openkms/core';
import { createYubiHsmBackendPlugin } from '@openkms/yubihsm';
import type { SignerConfig } from '../config/signer-config.js';
import { KeyBackendRouter, type NamedBackend } from '../keys/backend-router.js';
import type { SignerMetrics } from '../metrics/signer-metrics.js';
import type { StartSignerOptions } from './start-signer.js';

/** A backend that reports per-device state (the YubiHSM2 driver): its devices feed the HSM gauges. */
interface DeviceStats {
  stats(): { devices: readonly { name: string; up: boolean; sessions: number }[] };
}

function hasDeviceStats(b: KeyBackend): b is KeyBackend & DeviceStats {
  return typeof (b as Partial<DeviceStats>).stats === 'function';
}

/**
 * Builds every configured key backend with its plugin (options already checked by bindConfig) and puts them behind one
 * router. A backend that does not answer yet is not an error (its keys fail closed until it does); a plugin that
 * refuses to start (a simulated YubiHSM2 that the config does not allow, an insecure PIN file) stops startup, and the
 * backends already built are closed. The demo's and tests' connector overrides apply to the backends of kind yubihsm.
 */
export async function startKeyBackends(
  config: SignerConfig,
  plugins: ReadonlyMap<string, KeyBackendPlugin<any>>,
  opts: Pick<StartSignerOptions, 'connectors' | 'connectorTransports'>,
  metrics: SignerMetrics,
  logger: Logger,
): Promise<KeyBackendRouter> {
  const yubihsmOverride =
    opts.connectors || opts.connectorTransports
      ? createYubiHsmBackendPlugin({
          ...(opts.connectors ? { connectors: opts.connectors } : {}),
          ...(opts.connectorTransports ? { transports: opts.connectorTransports } : {}),
        })
      : undefined;
  const started: NamedBackend[] = [];
  try {
    for (const b of Object.values(config.backends)) {
      const plugin = b.kind === 'yubihsm' && yubihsmOverride ? yubihsmOverride : plugins.get(b.kind)!;
      const log = logger.child({ backend: b.name, kind: b.kind });
      const backend = await plugin.create(b.options, {
        name: b.name,
        configPath: b.path,
        configDir: config.dir,
        log: (level, msg, fields) => log[level](fields ?? {}, msg),
        onEvent: (e) => observeBackendEvent(metrics, b.name, b.kind, e),
      });
      started.push({ name: b.name, kind: b.kind, backend });
    }
  } catch (err) {
    await Promise.all(started.map((s) => s.backend.close().catch(() => undefined)));
    throw err;
  }
  const router = new KeyBackendRouter(started, (b, curve, ok) => metrics.backendSignatures.inc({ backend: b.name, curve, result: ok ? 'ok' : 'error' }));
  await observeBackends(router, metrics);
  return router;
}

/** Refreshes the backend and device gauges from each backend's health (and, for the YubiHSM2, its device stats). */
export async function observeBackends(router: KeyBackendRouter, metrics: SignerMetrics): Promise<void> {
  for (const s of await router.statuses()) metrics.backendUp.set({ backend: s.name, kind: s.kind }, s.up ? 1 : 0);
  for (const name of router.names()) {
    const b = router.get(name)!.backend;
    if (!hasDeviceStats(b)) continue;
    for (const d of b.stats().devices) {
      metrics.hsmUp.set({ device: d.name }, d.up ? 1 : 0);
      metrics.hsmSessions.set({ device: d.name }, d.sessions);
    }
  }
}

function observeBackendEvent(metrics: SignerMetrics, backend: string, kind: string, e: KeyBackendEvent): void {
  switch (e.type) {
    case 'command':
      if (e.durationMs !== undefined) {
        metrics.hsmCommandDuration.observe({ command: e.operation ?? 'unknown' }, e.durationMs / 1000);
        if (e.queueMs !== undefined) metrics.hsmQueueWait.observe({ command: e.operation ?? 'unknown' }, e.queueMs / 1000);
        metrics.backendCommandDuration.observe({ backend, operation: e.operation ?? 'unknown' }, e.durationMs / 1000);
      }
      if (e.ok === false && e.error) metrics.hsmDeviceErrors.inc({ code: e.error });
      break;
    case 'retry':
      if (e.operation === 'reconnect') metrics.hsmReconnects.inc({ device: e.device ?? backend });
      break;
    case 'up':
    case 'down':
      metrics.hsmUp.set({ device: e.device ?? backend }, e.type === 'up' ? 1 : 0);
      if (e.device === undefined) metrics.backendUp.set({ backend, kind }, e.type === 'up' ? 1 : 0);
      break;
    default:
      break;
  }
}
