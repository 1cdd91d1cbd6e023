import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isOpenKmsError, type ChainSigner } from '@openkms/core';
import { createCosmosChainSigner } from '@openkms/cosmos';
import { createSolanaChainSigner } from '@openkms/solana';
import { yubiHsmBackendPlugin } from '@openkms/yubihsm';
import { bindConfig } from './check-keys.js';
import { parseConfig } from './load-config.js';

const chains = new Map<string, ChainSigner<any, any>>([
  ['solana', createSolanaChainSigner()],
  ['cosmos', createCosmosChainSigner()],
]);
/** What startup does: the signer's schema, then every key checked by its chain plugin and backend plugin. */
const parse = (text: string) => bindConfig(parseConfig(text, '/etc/openkms/config.toml'), chains, new Map([['yubihsm', yubiHsmBackendPlugin]]));
const SOLANA_KEY = `[keys.solana-hot-0]
chain = "solana"
key_id = "0x0064"
[keys.solana-hot-0.options]
cluster = "mainnet-beta"`;

function configError(text: string): { path: unknown; message: string } {
  try {
    parse(text);
  } catch (err) {
    assert.ok(isOpenKmsError(err), 'expected an OpenKmsError');
    assert.equal(err.code, 'config_invalid');
    return { path: err.context.path, message: err.message };
  }
  assert.fail('expected the config to be rejected');
}

test('a minimal config gets defaults and absolute paths', () => {
  const c = parse(`
${SOLANA_KEY}
`);
  assert.equal(c.server.host, '127.0.0.1');
  assert.equal(c.server.port, 9443);
  assert.equal(c.auth.tokenFile, '/etc/openkms/tokens.json');
  assert.equal(c.audit.dir, '/etc/openkms/audit');
  assert.equal(c.keys['solana-hot-0']!.keyId, '0x0064');
});

test('an unknown key names its dotted path', () => {
  const e = configError(`
[server]
listen = "127.0.0.1:9443"
lisen = "oops"
`);
  assert.equal(e.path, 'server.lisen');
  assert.match(e.message, /server\.lisen: unknown key/);
});

test('a wrong type names its dotted path', () => {
  const e = configError(`
[server]
max_in_flight = "many"
`);
  assert.equal(e.path, 'server.max_in_flight');
  assert.match(e.message, /must be integer/);
});

test('errors inside a key table name the label', () => {
  const e = configError(`
[keys.solana-hot-0]
chain = "solana"
key_id = "100"
`);
  assert.equal(e.path, 'keys.solana-hot-0.key_id');
  const missing = configError(`
[keys.cosmos-hub-0]
chain = "cosmos"
`);
  assert.equal(missing.path, 'keys.cosmos-hub-0.key_id');
});

test('TOML syntax errors are config errors, not crashes', () => {
  const e = configError('[server\nlisten = ');
  assert.equal(e.path, '(syntax)');
});

test('an unparseable cap stops startup naming the key path; never "no cap"', () => {
  const e = configError(`
${SOLANA_KEY}
[keys.solana-hot-0.policy]
per_tx_caps = { native = "5 SOL" }
`);
  assert.equal(e.path, 'keys.solana-hot-0.policy.per_tx_caps.native');
  const number = configError(`
${SOLANA_KEY}
[keys.solana-hot-0.policy]
per_tx_cap_lamports = 5000
`);
  assert.equal(number.path, 'keys.solana-hot-0.policy.per_tx_cap_lamports');
});

test('policy rules the schema cannot express are checked at load too (alias conflicts)', () => {
  const e = configError(`
${SOLANA_KEY}
[keys.solana-hot-0.policy]
per_tx_cap_lamports = "10"
per_tx_caps = { native = "20" }
`);
  assert.match(String(e.path), /^keys\.solana-hot-0\.policy\./);
});

test('every schema error is reported, not only the first (context.errors)', () => {
  try {
    parse('[server]\nlisen = "x"\nmax_in_flight = "many"\n[audit]\ndaily = "yes"\n');
    assert.fail('expected the config to be rejected');
  } catch (err) {
    assert.ok(isOpenKmsError(err));
    assert.equal(err.context.path, 'server.lisen');
    assert.equal((err.context.errors as string[]).length, 3);
    assert.match(err.message, /and 2 more errors/);
  }
});

test('[plugins.<chain>] is shorthand for [plugins.options.<chain>]; both for one plugin is an error', () => {
  const keys = '[keys.solana-hot-0]\nchain = "solana"\nkey_id = "0x0064"\n[keys.solana-hot-0.options]\ncluster = "mainnet-beta"\n';
  const c = parse(`[plugins.solana]\nrpc_url = "http://127.0.0.1:8899"\n[plugins.solana.lookup_tables]\n"T" = ["A"]\n[plugins.options.cosmos]\nx = 1\n${keys}`);
  assert.deepEqual(c.plugins.options, { cosmos: { x: 1 }, solana: { rpc_url: 'http://127.0.0.1:8899', lookup_tables: { T: ['A'] } } });
  assert.equal(configError(`[plugins.solana]\na = 1\n[plugins.options.solana]\nb = 2\n${keys}`).path, 'plugins.solana');
  assert.equal(configError(`[plugins]\nsolana = 3\n${keys}`).path, 'plugins.solana');
});

test('the old [backend.yubihsm] table is checked with the YubiHSM2 plugin’s own options schema (one source), paths kept', async () => {
  const { configSchema } = await import('./config-schema.js');
  const { YUBIHSM_OPTIONS_SCHEMA } = await import('@openkms/yubihsm/options');
  const backend = (configSchema() as { properties: { backend: { properties: { yubihsm: unknown } } } }).properties.backend;
  assert.equal(backend.properties.yubihsm, YUBIHSM_OPTIONS_SCHEMA);
  const e = configError(`[backend]\nkind = "yubihsm"\n[backend.yubihsm]\npool_size = 0\n${SOLANA_KEY}`);
  assert.equal(e.path, 'backend.yubihsm.pool_size');
  const typo = configError(`[backend]\nkind = "yubihsm"\n[backend.yubihsm]\npasword_file = "x"\n${SOLANA_KEY}`);
  assert.equal(typo.path, 'backend.yubihsm.pasword_file');
  const tls = configError(`[backend]\nkind = "yubihsm"\n[backend.yubihsm.tls]\nca_file = 7\n${SOLANA_KEY}`);
  assert.equal(tls.path, 'backend.yubihsm.tls.ca_file');
});
