import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { vaultOptionsSchema } from './vault-options.js';

// The signer validates `[backends.<name>]` (minus `kind`) with ajv's draft 2020-12 validator, as here.
const validate = new Ajv2020({ allErrors: true, strict: false }).compile(vaultOptionsSchema);

describe('vault options schema', () => {
  it('accepts token auth and AppRole auth (the README examples)', () => {
    assert.ok(
      validate({
        address: 'https://vault.internal:8200',
        ca_file: 'vault-ca.pem',
        token_file: 'vault-token',
        transit_mount: 'transit',
        key_prefix: 'openkms-',
      }),
    );
    assert.ok(
      validate({ address: 'https://vault.internal:8200', namespace: 'team-a', approle: { role_id: 'r', secret_id_file: 'vault-secret-id', mount: 'approle' } }),
    );
  });

  it('refuses both or neither auth method, a token in clear, unknown options, bad mounts', () => {
    assert.equal(validate({ address: 'https://v:8200' }), false);
    assert.equal(validate({ address: 'https://v:8200', token_file: 't', approle: { role_id: 'r', secret_id_file: 's' } }), false);
    assert.equal(validate({ address: 'https://v:8200', token: 'hvs.x' }), false);
    assert.equal(validate({ address: 'https://v:8200', approle: { role_id: 'r', secret_id: 's' } }), false);
    assert.equal(validate({ address: 'vault:8200', token_file: 't' }), false);
    assert.equal(validate({ address: 'https://v:8200', token_file: 't', transit_mount: '../sys' }), false);
  });
});
