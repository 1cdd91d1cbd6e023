import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCliSync } from './support/cli-process.js';

const check = (toml: string) => {
  const file = join(mkdtempSync(join(tmpdir(), 'openkms-check-')), 'config.toml');
  writeFileSync(file, toml);
  return runCliSync(['config', 'check', '--config', file]);
};

test('`openkms config check` validates like `run`: schema, policies and the chain plugins that serve each key', () => {
  const ok = check(
    '[keys.solana-hot-0]\nchain = "solana"\nkey_id = "0x0064"\n[keys.solana-hot-0.options]\ncluster = "mainnet-beta"\n[keys.solana-hot-0.policy]\nper_tx_cap_lamports = "1"\n',
  );
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /ok \(1 keys; chains cosmos, evm, solana\)/);
  const typo = check('[server]\nlisen = "x"\n');
  assert.equal(typo.status, 1);
  assert.match(typo.stderr, /server\.lisen: unknown key\n.*: 1 error \[config_invalid\]/);
  const chain = check('[keys.btc-0]\nchain = "bitcoin"\nkey_id = "0x0064"\n');
  assert.equal(chain.status, 1);
  assert.match(chain.stderr, /keys\.btc-0\.chain: no loaded plugin serves chain "bitcoin"/);
});

test('`openkms config check` reports every error in the file, not only the first: schema, options, policy ids', () => {
  const r = check(
    [
      '[server]\nlisen = "x"\nmax_in_flight = 0',
      '[keys.solana-hot-0]\nchain = "solana"\nkey_id = "0x0064"',
      '[keys.solana-hot-0.options]\nchainid = "mainnet-beta"', // a typo: the pin would silently do nothing
      '[keys.solana-hot-0.policy]\nper_tx_caps = { "denom:uatom" = "1", "spl:notamint" = "1" }',
      'allowed_recipients = [{ addresses = ["cosmos1qypqxpq9qcrsszg2pvxq6rs0zqg3yyc5lzv7xu"] }]',
      '[keys.cosmos-hub-0]\nchain = "cosmos"\nkey_id = "0x0065"',
      '[keys.cosmos-hub-0.policy]\nper_tx_caps = { "denom:uatm!" = "1" }',
    ].join('\n'),
  );
  assert.equal(r.status, 1, r.stdout);
  for (const path of [
    'server.lisen',
    'server.max_in_flight',
    'keys.solana-hot-0.options.chainid',
    'keys.solana-hot-0.options.cluster',
    'keys.solana-hot-0.policy.per_tx_caps.denom:uatom',
    'keys.solana-hot-0.policy.per_tx_caps.spl:notamint',
    'keys.solana-hot-0.policy.allowed_recipients[0].addresses[0]',
    'keys.cosmos-hub-0.options.chain_id',
    'keys.cosmos-hub-0.policy.per_tx_caps.denom:uatm!',
  ]) {
    assert.ok(r.stderr.includes(`${path}: `), `${path} is reported:\n${r.stderr}`);
  }
  assert.match(r.stderr, /: 9 errors \[config_invalid\]/);
  assert.match(r.stderr, /options\.chainid: unknown key \(options of a solana key: cluster\)/);
});

test('`openkms config check` checks key backends with their plugins: options (dotted path), key ids, the key → backend reference', () => {
  const key = '[keys.solana-hot-0]\nchain = "solana"\nkey_id = "0x0064"\n[keys.solana-hot-0.options]\ncluster = "mainnet-beta"\n';
  const badOption = check(`[backends.hsm2]\nkind = "pkcs11"\nmodule = "/x.so"\ntoken_label = "t"\npin_fil = "p"\n${key}`);
  assert.equal(badOption.status, 1, badOption.stdout);
  assert.match(badOption.stderr, /backends\.hsm2\.pin_fil: unknown key/);
  assert.match(badOption.stderr, /backends\.hsm2\.pin_file: required key is missing/);
  const unknownKind = check(`[backends.kms]\nkind = "nosuchkind"\n${key}`);
  assert.match(unknownKind.stderr, /backends\.kms\.kind: no installed backend plugin provides kind "nosuchkind"/);
  const badId = check('[backend]\nkind = "yubihsm"\n[keys.s]\nchain = "solana"\nkey_id = "100"\n[keys.s.options]\ncluster = "mainnet-beta"\n');
  assert.match(badId.stderr, /keys\.s\.key_id: not a valid yubihsm key id/);
  const ambiguous = check(`[backend]\nkind = "yubihsm"\n[backends.hsm2]\nkind = "pkcs11"\nmodule = "/x.so"\ntoken_label = "t"\npin_file = "p"\n${key}`);
  assert.match(ambiguous.stderr, /keys\.solana-hot-0\.backend: several backends are configured \(hsm2, yubihsm\)/);
});

test('`openkms config check` reports every REST gateway contract problem: network, address, ABI file, ABI entries', () => {
  const dir = mkdtempSync(join(tmpdir(), 'openkms-check-gw-'));
  const fn = (name: string, type: string) => ({ type: 'function', name, inputs: [{ name: 'a', type }], outputs: [], stateMutability: 'nonpayable' });
  writeFileSync(join(dir, 'good.json'), JSON.stringify([fn('set', 'uint256')]));
  writeFileSync(join(dir, 'bad-entry.json'), JSON.stringify({ abi: [fn('set', 'uint256'), fn('x', 'uint7')] }));
  writeFileSync(join(dir, 'text.json'), 'not json');
  const good = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
  const file = join(dir, 'config.toml');
  const contract = (name: string, fields: string) => `[gateway.contracts.${name}]\n${fields}`;
  writeFileSync(
    file,
    [
      '[networks.local]\nchain = "evm"\nchain_id = 31337\nupstream = "http://127.0.0.1:8545"',
      contract('ok', `network = "local"\naddress = "${good}"\nabi_file = "good.json"`),
      contract('nonet', `network = "nope"\naddress = "${good}"\nabi_file = "good.json"`),
      // two problems in one entry: both reported
      contract('both', 'network = "local"\naddress = "0x12"\nabi_file = "missing.json"'),
      contract('text', `network = "local"\naddress = "${good}"\nabi_file = "text.json"`),
      contract('entry', `network = "local"\naddress = "${good}"\nabi_file = "bad-entry.json"`),
      contract('noabi', `network = "local"\naddress = "${good}"`),
    ].join('\n'),
  );
  const r = runCliSync(['config', 'check', '--config', file]);
  assert.equal(r.status, 1, r.stdout);
  for (const path of [
    'gateway.contracts.nonet.network',
    'gateway.contracts.both.address',
    'gateway.contracts.both.abi_file',
    'gateway.contracts.text.abi_file',
    'gateway.contracts.entry.abi_file[1].inputs[0].type',
    'gateway.contracts.noabi.abi_file',
  ]) {
    assert.ok(r.stderr.includes(`${path}: `) || r.stderr.includes(`${path} `), `${path} is reported:\n${r.stderr}`);
  }
  assert.doesNotMatch(r.stderr, /gateway\.contracts\.ok/);
  assert.match(r.stderr, /: 6 errors \[config_invalid\]/, r.stderr);
});
