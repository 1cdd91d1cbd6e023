export { solanaPlugin as default, solanaPlugin } from './plugin.js';
export * from './byte-reader.js';
export * from './ed25519-verify.js';
export * from './legacy-message-decoder.js';
export * from './sign-request-schema.js';
export * from './solana-address.js';
export * from './solana-chain-signer.js';
export * from './solana-intent.js';
export * from './system-program.js';
