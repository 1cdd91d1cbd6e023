import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { awsKmsOptionsSchema } from './aws-kms-options.js';

// The signer validates `[backends.<name>]` (minus `kind`) with ajv's draft 2020-12 validator, as here.
const validate = new Ajv2020({ allErrors: true, strict: false }).compile(awsKmsOptionsSchema);

describe('aws-kms options schema', () => {
  it('accepts the README example and the minimal config', () => {
    assert.ok(validate({ region: 'eu-west-1' }));
    assert.ok(
      validate({
        region: 'eu-west-1',
        endpoint: 'https://vpce-1.kms.eu-west-1.vpce.amazonaws.com',
        profile: 'openkms-signer',
        credentials_file: 'aws/credentials',
        alias_prefix: 'alias/openkms/',
        tag_key: 'openkms',
        tag_value: 'prod',
        timeout_ms: 10000,
        max_attempts: 4,
      }),
    );
  });

  it('refuses keys in config, unknown options, a missing or malformed region', () => {
    assert.equal(validate({ region: 'eu-west-1', aws_secret_access_key: 'x' }), false);
    assert.ok(validate.errors?.some((e) => e.keyword === 'additionalProperties'));
    assert.equal(validate({}), false);
    assert.equal(validate({ region: 'Europe' }), false);
    assert.equal(validate({ region: 'eu-west-1', alias_prefix: 'openkms/' }), false);
    assert.equal(validate({ region: 'eu-west-1', max_attempts: 0 }), false);
  });
});
