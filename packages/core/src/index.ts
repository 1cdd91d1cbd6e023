export * from './amount.js';
export * from './bytes.js';
export * from './chain-signer.js';
export * from './curve.js';
export * from './errors.js';
export * from './intent.js';
export * from './json-schema.js';
export * from './key-backend.js';
