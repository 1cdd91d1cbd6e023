import type { JsonSchema } from '@openkms/core';

/** `[backends.<name>]` options of `kind = "aws-kms"` (snake_case, as written in TOML). */
export interface AwsKmsOptions {
  /** AWS region, e.g. "eu-west-1". */
  readonly region: string;
  /** Custom endpoint (VPC endpoint, FIPS endpoint, a test emulator). Default: the region's public endpoint. */
  readonly endpoint?: string;
  /** Named profile in the shared credentials/config files. Default: the SDK's standard credential chain. */
  readonly profile?: string;
  /** Shared credentials file (resolved against the config directory). Default: ~/.aws/credentials. */
  readonly credentials_file?: string;
  /** Shared config file (resolved against the config directory). Default: ~/.aws/config. */
  readonly config_file?: string;
  /** Discovery: keys with an alias under this prefix. Default "alias/openkms/". */
  readonly alias_prefix?: string;
  /** Discovery: keys carrying this tag key (ListKeys + ListResourceTags). Default: none (aliases only). */
  readonly tag_key?: string;
  /** Discovery: only keys whose `tag_key` tag has this value. */
  readonly tag_value?: string;
  /** Deadline per operation, retries included (ms). Default 10 000. */
  readonly timeout_ms?: number;
  /** Attempts per operation on throttling and transient faults (first try included). Default 4. */
  readonly max_attempts?: number;
}

export const awsKmsOptionsSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['region'],
  properties: {
    region: { type: 'string', pattern: '^[a-z]{2}(-[a-z]+)+-[0-9]+$', description: 'AWS region, e.g. "eu-west-1".' },
    endpoint: { type: 'string', pattern: '^https?://', description: 'Custom endpoint URL (VPC / FIPS endpoint).' },
    profile: { type: 'string', minLength: 1, description: 'Named profile in the shared credentials/config files.' },
    credentials_file: { type: 'string', minLength: 1, description: 'Shared credentials file; default ~/.aws/credentials.' },
    config_file: { type: 'string', minLength: 1, description: 'Shared config file; default ~/.aws/config.' },
    alias_prefix: { type: 'string', pattern: '^alias/', description: 'Discovery: aliases under this prefix. Default "alias/openkms/".' },
    tag_key: { type: 'string', minLength: 1, maxLength: 128, description: 'Discovery: keys carrying this tag.' },
    tag_value: { type: 'string', maxLength: 256, description: 'Discovery: only keys whose tag has this value.' },
    timeout_ms: { type: 'integer', minimum: 100, maximum: 120000, description: 'Deadline per operation, retries included. Default 10000.' },
    max_attempts: { type: 'integer', minimum: 1, maximum: 10, description: 'Attempts on throttling / transient faults. Default 4.' },
  },
};
