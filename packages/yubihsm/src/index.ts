export * from './protocol/index.js';
export * from './commands/index.js';
export * from './transport/index.js';
export * from './session/index.js';
export * from './client/index.js';
export * from './signature/index.js';
export * from './pool/index.js';
export * from './backend/index.js';
