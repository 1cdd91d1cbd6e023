import { defineKeyBackendPlugin } from '@openkms/core';
import { createAwsKmsBackend } from './aws-kms-backend.js';
import { awsKmsOptionsSchema, type AwsKmsOptions } from './aws-kms-options.js';

/** `kind = "aws-kms"`: keys in AWS KMS, credentials from the SDK's standard chain or a named profile / credentials file. */
export const awsKmsPlugin = defineKeyBackendPlugin<AwsKmsOptions>({
  apiVersion: 1,
  kind: 'aws-kms',
  optionsSchema: awsKmsOptionsSchema,
  curves: ['secp256k1', 'ed25519'],
  create: (options, context) => createAwsKmsBackend(options, context),
});
