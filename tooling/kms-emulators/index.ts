export * from './emulator-server.js';
export * from './aws-kms-emulator.js';
