export * from './aws-kms-options.js';
export * from './aws-kms-backend.js';
export * from './aws-kms-plugin.js';
export { awsKmsPlugin as default } from './aws-kms-plugin.js';
