export * from './emulator-server.js';
export * from './self-signed-cert.js';
export * from './aws-kms-emulator.js';
export * from './vault-emulator.js';
export * from './azure-key-vault-emulator.js';
