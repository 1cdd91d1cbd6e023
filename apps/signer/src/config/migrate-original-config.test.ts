import { test } from 'node:test';
import assert from 'node:assert/strict';
import { migrateOriginalConfig } from './migrate-original-config.js';

const original = (style: string) => `
[hsm]
connector_url = "http://127.0.0.1:12345"
auth_key_id = 3
password_file = "hsm.password"

[server]
signer_token_file = "signer.token"
admin_token_file = "admin.token"

[audit]
path = "audit.jsonl"
hmac_key_file = "audit-hmac.key"

[[keys]]
label = "evmos-0"
chain = "cosmos"
object_id = 0x0102
address_style = "${style}"
default_hrp = "evmos"

[keys.policy]
per_tx_cap_lamports = "1000"
`;

test('an address_style = "evm" Cosmos key becomes an Ethermint-style key (keccak address and digest), with a note', () => {
  const m = migrateOriginalConfig(original('evm'), { file: '/etc/openkms/config.toml', cosmosChainIds: { 'evmos-0': 'evmos_9001-2' } });
  const key = (m.config.keys as Record<string, { options: Record<string, unknown> }>)['evmos-0'];
  assert.ok(key, m.notes.join('\n'));
  assert.equal(key.options.pubkey_type, '/ethermint.crypto.v1.ethsecp256k1.PubKey');
  assert.equal(key.options.bech32_prefix, 'evmos');
  assert.ok(m.notes.some((n) => /pubkey_type.*address_style = "evm"/.test(n)));
});

test('an unknown address_style is not carried over, and says so', () => {
  const m = migrateOriginalConfig(original('bitcoin'), { file: '/etc/openkms/config.toml', cosmosChainIds: { 'evmos-0': 'evmos_9001-2' } });
  assert.equal((m.config.keys as Record<string, unknown> | undefined)?.['evmos-0'], undefined);
  assert.ok(m.notes.some((n) => /address_style = "bitcoin" is unknown/.test(n)));
});
