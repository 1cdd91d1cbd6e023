export * from './azure-key-vault-options.js';
export * from './azure-key-vault-backend.js';
export * from './azure-key-vault-plugin.js';
export { azureKeyVaultPlugin as default } from './azure-key-vault-plugin.js';
