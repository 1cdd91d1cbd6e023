export * from './error-mapping.js';
export * from './key-ref.js';
export * from './yubihsm-backend.js';
