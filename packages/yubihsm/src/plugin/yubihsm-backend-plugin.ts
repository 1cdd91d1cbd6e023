import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { ErrorCode, KEY_BACKEND_PLUGIN_API_VERSION, openKmsError, type KeyBackendEvent, type KeyBackendPlugin } from '@openkms/core';
import { createYubiHsmBackend } from '../backend/yubihsm-backend.js';
import type { YubiHsmEvent } from '../pool/yubihsm-event.js';
import type { Transport } from '../transport/transport.js';
import { readPasswordFile } from './read-secret-file.js';
import { YUBIHSM_KEY_ID_SCHEMA, YUBIHSM_OPTIONS_SCHEMA, type YubiHsmPluginOptions } from './yubihsm-options.js';

/** Overrides for demos and tests: other connector URLs, or ready transports (an in-process simulator). */
export interface YubiHsmPluginOverrides {
  readonly connectors?: readonly string[];
  readonly transports?: readonly Transport[];
}

/**
 * The YubiHSM2 as an openKMS key backend plugin (`kind = "yubihsm"`): reads the auth key's password from its 0600
 * file, builds the driver over the configured connectors (TLS optional), connects once (a device that does not answer
 * yet is not an error: signing fails closed until it does) and refuses a simulated device unless `allow_simulated`.
 */
export function createYubiHsmBackendPlugin(overrides: YubiHsmPluginOverrides = {}): KeyBackendPlugin<YubiHsmPluginOptions> {
  return {
    apiVersion: KEY_BACKEND_PLUGIN_API_VERSION,
    kind: 'yubihsm',
    optionsSchema: YUBIHSM_OPTIONS_SCHEMA,
    keyIdSchema: YUBIHSM_KEY_ID_SCHEMA,
    curves: ['ed25519', 'secp256k1'],
    async create(o, context) {
      const path = context.configPath ?? `backends.${context.name}`;
      const at = (p: string): string => (isAbsolute(p) ? p : resolve(context.configDir, p));
      const password = readPasswordFile(at(o.password_file ?? 'hsm.password'), o.password_encoding ?? 'utf8', `${path}.password_file`);
      const allowSimulated = o.allow_simulated ?? false;
      const connectorUrls = overrides.connectors ?? o.connectors ?? ['http://127.0.0.1:12345'];
      const t = o.tls;
      const tls = t
        ? {
            ...(t.ca_file ? { ca: readFileSync(at(t.ca_file), 'utf8') } : {}),
            ...(t.cert_file ? { cert: readFileSync(at(t.cert_file), 'utf8') } : {}),
            ...(t.key_file ? { key: readFileSync(at(t.key_file), 'utf8') } : {}),
            ...(t.reject_unauthorized === undefined ? {} : { rejectUnauthorized: t.reject_unauthorized }),
          }
        : undefined;
      const backend = createYubiHsmBackend({
        connectors: overrides.transports
          ? overrides.transports.map((transport) => ({ transport }))
          : connectorUrls.map((url) => ({ url, ...(tls ? { tls } : {}) })),
        authKeyId: o.auth_key_id ?? 3,
        password,
        poolSize: o.pool_size ?? 2,
        commandTimeoutMs: o.command_timeout_ms ?? 5_000,
        allowSimulated,
        onEvent: (e) => {
          const event = toBackendEvent(e);
          if (event) context.onEvent?.(event);
        },
      });
      try {
        await backend.connect().catch(() => undefined);
        const health = await backend.health().catch(() => ({ up: false, simulated: false }));
        if (health.simulated) {
          if (!allowSimulated) {
            throw openKmsError(
              ErrorCode.configInvalid,
              `the key backend is a SIMULATED YubiHSM2; refusing to start (set ${path}.allow_simulated = true for demos and tests)`,
              { path: `${path}.allow_simulated` },
            );
          }
          context.log('warn', 'the key backend is a SIMULATED YubiHSM2: keys are software keys; never use this for real funds', { backend: context.name });
        }
        if (!health.up)
          context.log('warn', 'the key backend does not answer yet; signing fails closed until it does', {
            backend: context.name,
            connectors: overrides.transports ? overrides.transports.map((tr) => tr.name) : connectorUrls.map((u) => new URL(u).origin),
          });
        return backend;
      } catch (err) {
        await backend.close().catch(() => undefined);
        throw err;
      }
    },
  };
}

/** The driver's events as the signer's backend events (device name kept: it labels the HSM metrics). */
function toBackendEvent(e: YubiHsmEvent): KeyBackendEvent | undefined {
  switch (e.type) {
    case 'command':
      return {
        type: 'command',
        operation: e.command,
        durationMs: e.durationMs,
        ...(e.queueMs === undefined ? {} : { queueMs: e.queueMs }),
        ok: e.ok,
        device: e.device,
        ...(e.error ? { error: e.error } : {}),
      };
    case 'reconnect':
      return { type: 'retry', operation: 'reconnect', device: e.device };
    case 'device_up':
      return { type: 'up', device: e.device };
    case 'device_down':
      return { type: 'down', device: e.device, error: e.reason };
    default:
      return undefined;
  }
}

/** The plugin as discovered by the signer (default export of @openkms/yubihsm). */
export const yubiHsmBackendPlugin = createYubiHsmBackendPlugin();
