export * from './protocol/index.js';
export * from './commands/index.js';
export * from './transport/index.js';
export * from './session/index.js';
export * from './client/index.js';
export * from './signature/index.js';
export * from './pool/index.js';
export * from './backend/index.js';
export * from './attestation/index.js';
// The ceremony's constants only; its key derivation, set-up, inventory and backup code (BIP-39 / BIP-32 / SLIP-10)
// is the `@openkms/yubihsm/ceremony` entry, so a signer that only signs does not load it.
export * from './ceremony/ceremony-info-labels.js';
export * from './ceremony/ceremony-device-layout.js';
export * from './ceremony/derivation-paths.js';
export * from './ceremony/ceremony-errors.js';
export * from './plugin/index.js';
export { yubiHsmBackendPlugin as default } from './plugin/yubihsm-backend-plugin.js';
