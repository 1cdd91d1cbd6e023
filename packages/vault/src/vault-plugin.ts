import { defineKeyBackendPlugin } from '@openkms/core';
import { createVaultBackend } from './vault-backend.js';
import { vaultOptionsSchema, type VaultOptions } from './vault-options.js';

/** `kind = "vault"`: ed25519 keys in HashiCorp Vault's transit engine; token or AppRole auth from files. */
export const vaultPlugin = defineKeyBackendPlugin<VaultOptions>({
  apiVersion: 1,
  kind: 'vault',
  optionsSchema: vaultOptionsSchema,
  curves: ['ed25519'],
  create: (options, context) => createVaultBackend(options, context),
});
