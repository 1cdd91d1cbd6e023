export * from './read-secret-file.js';
export * from './yubihsm-options.js';
export * from './yubihsm-backend-plugin.js';
