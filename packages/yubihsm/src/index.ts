export * from './protocol/index.js';
export * from './commands/index.js';
export * from './transport/index.js';
export * from './session/index.js';
export * from './client/index.js';
