import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { azureKeyVaultOptionsSchema } from './azure-key-vault-options.js';

// The signer validates `[backends.<name>]` (minus `kind`) with ajv's draft 2020-12 validator, as here.
const validate = new Ajv2020({ allErrors: true, strict: false }).compile(azureKeyVaultOptionsSchema);

describe('azure-key-vault options schema', () => {
  it('accepts the default chain, a client secret file and a client certificate file', () => {
    assert.ok(validate({ vault_url: 'https://my-vault.vault.azure.net' }));
    assert.ok(
      validate({
        vault_url: 'https://my-vault.vault.azure.net',
        tenant_id: 't',
        client_id: 'c',
        client_secret_file: 'azure/secret',
        tag_name: 'openkms',
        tag_value: 'prod',
      }),
    );
    assert.ok(
      validate({
        vault_url: 'https://my-vault.vault.azure.net',
        tenant_id: 't',
        client_id: 'c',
        client_certificate_file: 'azure/cert.pem',
        authority_host: 'https://login.microsoftonline.us',
      }),
    );
    assert.ok(validate({ vault_url: 'https://vault.example.internal', disable_challenge_resource_verification: true }));
    assert.equal(validate({ vault_url: 'https://vault.example.internal', disable_challenge_resource_verification: 'yes' }), false);
  });

  it('refuses a secret in clear, both secret and certificate, a secret file without tenant / client, plain http', () => {
    assert.equal(validate({ vault_url: 'https://v.vault.azure.net', tenant_id: 't', client_id: 'c', client_secret: 'x' }), false);
    assert.equal(
      validate({ vault_url: 'https://v.vault.azure.net', tenant_id: 't', client_id: 'c', client_secret_file: 's', client_certificate_file: 'c' }),
      false,
    );
    assert.equal(validate({ vault_url: 'https://v.vault.azure.net', client_secret_file: 's' }), false);
    assert.equal(validate({ vault_url: 'http://v.vault.azure.net' }), false);
    assert.equal(validate({}), false);
  });
});
