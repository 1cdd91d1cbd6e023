export * from './ceremony-info-labels.js';
export * from './ceremony-mnemonic.js';
export * from './ceremony-secrets.js';
export * from './ceremony-device-layout.js';
export * from './signing-key-paths.js';
export * from './ceremony-provisioning.js';
