export * from './protocol/index.js';
export * from './commands/index.js';
