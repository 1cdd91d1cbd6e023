export * from './der-ecdsa.js';
export * from './ed25519-signature.js';
export * from './secp256k1-signature.js';
