export * from './ec-key-attributes.js';
export * from './pkcs11-backend.js';
export * from './pkcs11-errors.js';
export * from './pkcs11-options.js';
export * from './read-pin-file.js';
export * from './secp256k1-signature.js';
export * from './pkcs11-backend-plugin.js';
export { pkcs11BackendPlugin as default } from './pkcs11-backend-plugin.js';
