export * from './retry.js';
export * from './secp256k1-public-point.js';
export * from './secp256k1-signature.js';
export * from './secret-file.js';
export * from './service-caller.js';
