export * from './command-methods.js';
export * from './yubihsm-client.js';
