export * from './software-key-backend.js';
export * from './run-unprivileged.js';
export * from './softhsm-token.js';
export * from './anvil-node.js';
export * from './redis-server.js';
export * from './redis-command.js';
export * from './deployment-node-flags.js';
