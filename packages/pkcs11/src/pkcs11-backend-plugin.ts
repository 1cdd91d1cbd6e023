import { isAbsolute, resolve } from 'node:path';
import { KEY_BACKEND_PLUGIN_API_VERSION, defineKeyBackendPlugin } from '@openkms/core';
import { createPkcs11Backend } from './pkcs11-backend.js';
import { PKCS11_KEY_ID_SCHEMA, PKCS11_OPTIONS_SCHEMA, type Pkcs11PluginOptions } from './pkcs11-options.js';
import { readPinFile } from './read-pin-file.js';

/**
 * PKCS#11 as an openKMS key backend plugin (`kind = "pkcs11"`): the module path, the token label and the user PIN's
 * 0600 file come from `[backends.<name>]`. The token is opened on first use (a token that is not there yet is not a
 * start-up error: its keys fail closed until it is).
 */
export const pkcs11BackendPlugin = defineKeyBackendPlugin<Pkcs11PluginOptions>({
  apiVersion: KEY_BACKEND_PLUGIN_API_VERSION,
  kind: 'pkcs11',
  optionsSchema: PKCS11_OPTIONS_SCHEMA,
  keyIdSchema: PKCS11_KEY_ID_SCHEMA,
  curves: ['ed25519', 'secp256k1'],
  create(o, context) {
    const at = (p: string): string => (isAbsolute(p) ? p : resolve(context.configDir, p));
    const pin = readPinFile(at(o.pin_file), `${context.configPath ?? `backends.${context.name}`}.pin_file`);
    return createPkcs11Backend({
      module: at(o.module),
      tokenLabel: o.token_label,
      pin,
      ...(o.pool_size === undefined ? {} : { poolSize: o.pool_size }),
      ...(o.timeout_ms === undefined ? {} : { timeoutMs: o.timeout_ms }),
      ...(context.onEvent ? { onEvent: context.onEvent } : {}),
    });
  },
});
