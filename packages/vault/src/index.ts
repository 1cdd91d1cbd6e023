export * from './vault-options.js';
export * from './vault-backend.js';
export * from './vault-plugin.js';
export { vaultPlugin as default } from './vault-plugin.js';
