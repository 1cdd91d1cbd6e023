import { defineKeyBackendPlugin } from '@openkms/core';
import { createAzureKeyVaultBackend } from './azure-key-vault-backend.js';
import { azureKeyVaultOptionsSchema, type AzureKeyVaultOptions } from './azure-key-vault-options.js';

/** `kind = "azure-key-vault"`: secp256k1 (P-256K) keys in Azure Key Vault or Managed HSM. */
export const azureKeyVaultPlugin = defineKeyBackendPlugin<AzureKeyVaultOptions>({
  apiVersion: 1,
  kind: 'azure-key-vault',
  optionsSchema: azureKeyVaultOptionsSchema,
  curves: ['secp256k1'],
  create: (options, context) => createAzureKeyVaultBackend(options, context),
});
