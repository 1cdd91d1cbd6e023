import { readFileSync } from 'node:fs';
import type { Logger } from 'pino';
import { ErrorCode, openKmsError, type BackendHealth } from '@openkms/core';
import { createYubiHsmBackend, type YubiHsmBackend, type YubiHsmEvent } from '@openkms/yubihsm';
import { readHsmPassword } from '../auth/hsm-password.js';
import type { SignerConfig } from '../config/signer-config.js';
import type { SignerMetrics } from '../metrics/signer-metrics.js';
import type { StartSignerOptions } from './start-signer.js';

/**
 * The key backend of a signer (today the YubiHSM2 driver): built from `[backend.yubihsm]`, connected once (a device
 * that does not answer yet is not an error: signing fails closed until it does), and refused when it is a simulated
 * device that the config does not allow. Its events feed the HSM metrics.
 */
export async function startKeyBackend(
  config: SignerConfig,
  opts: Pick<StartSignerOptions, 'connectors' | 'connectorTransports'>,
  metrics: SignerMetrics,
  logger: Logger,
): Promise<{ backend: YubiHsmBackend; health: BackendHealth }> {
  const password = readHsmPassword(config.backend.yubihsm.passwordFile, config.backend.yubihsm.passwordEncoding);
  const y = config.backend.yubihsm;
  const connectorUrls = opts.connectors ?? y.connectors;
  const tls = y.tls
    ? {
        ...(y.tls.caFile ? { ca: readFileSync(y.tls.caFile, 'utf8') } : {}),
        ...(y.tls.certFile ? { cert: readFileSync(y.tls.certFile, 'utf8') } : {}),
        ...(y.tls.keyFile ? { key: readFileSync(y.tls.keyFile, 'utf8') } : {}),
        ...(y.tls.rejectUnauthorized === undefined ? {} : { rejectUnauthorized: y.tls.rejectUnauthorized }),
      }
    : undefined;
  const backend = createYubiHsmBackend({
    connectors: opts.connectorTransports
      ? opts.connectorTransports.map((transport) => ({ transport }))
      : connectorUrls.map((url) => ({ url, ...(tls ? { tls } : {}) })),
    authKeyId: y.authKeyId,
    password,
    poolSize: y.poolSize,
    commandTimeoutMs: y.commandTimeoutMs,
    allowSimulated: y.allowSimulated,
    onEvent: (e) => observeBackendEvent(metrics, e),
  });
  try {
    await backend.connect().catch(() => undefined);
    const health: BackendHealth = await backend.health().catch(() => ({ up: false, simulated: false }));
    if (health.simulated) {
      if (!y.allowSimulated) {
        throw openKmsError(
          ErrorCode.configInvalid,
          'the key backend is a SIMULATED YubiHSM2; refusing to start (set backend.yubihsm.allow_simulated = true for demos and tests)',
          { path: 'backend.yubihsm.allow_simulated' },
        );
      }
      logger.warn('the key backend is a SIMULATED YubiHSM2: keys are software keys; never use this for real funds');
    }
    if (!health.up)
      logger.warn({ connectors: connectorUrls.map((u) => new URL(u).origin) }, 'the key backend does not answer yet; signing fails closed until it does');
    return { backend, health };
  } catch (err) {
    await backend.close().catch(() => undefined);
    throw err;
  }
}

function observeBackendEvent(metrics: SignerMetrics, e: YubiHsmEvent): void {
  switch (e.type) {
    case 'command':
      metrics.hsmCommandDuration.observe({ command: e.command }, e.durationMs / 1000);
      if (e.queueMs !== undefined) metrics.hsmQueueWait.observe({ command: e.command }, e.queueMs / 1000);
      if (!e.ok && e.error) metrics.hsmDeviceErrors.inc({ code: e.error });
      break;
    case 'reconnect':
      metrics.hsmReconnects.inc({ device: e.device });
      break;
    case 'device_up':
      metrics.hsmUp.set({ device: e.device }, 1);
      break;
    case 'device_down':
      metrics.hsmUp.set({ device: e.device }, 0);
      break;
    default:
      break;
  }
}
