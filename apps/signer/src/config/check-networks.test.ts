import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChainSigner } from '@openkms/core';
import { createCosmosChainSigner } from '@openkms/cosmos';
import { createEvmChainSigner } from '@openkms/evm';
import { isOpenKmsError } from '@openkms/core';
import { bindConfig } from './check-keys.js';
import { checkNetworks, rawNetworkProblems } from './check-networks.js';
import { parseConfig } from './load-config.js';

const chains = new Map<string, ChainSigner<any, any>>([
  ['evm', createEvmChainSigner()],
  ['cosmos', createCosmosChainSigner()],
]);

const toml = (network: string) => `
[backend]
kind = "yubihsm"
${network}
`;

test('[networks.<name>]: chain, upstream and the chain settings are read; defaults applied', () => {
  const c = parseConfig(toml('[networks.local]\nchain = "evm"\nchain_id = 31337\nupstream = "http://127.0.0.1:8545"'), '/x/config.toml');
  assert.deepEqual(c.networks.local, { name: 'local', chain: 'evm', upstream: 'http://127.0.0.1:8545', upstreamTimeoutMs: 5000, options: { chain_id: 31337 } });
  assert.deepEqual(checkNetworks(c.networks, chains), []);
  assert.deepEqual(bindConfig(c, chains).networks, c.networks);
});

test('network problems name their dotted path: missing or bad fields, a chain without JSON-RPC, the plugin’s own settings', () => {
  const problems = (network: string) => {
    try {
      return [...new Set(checkNetworks(parseConfig(toml(network), '/x/config.toml').networks, chains).map((p) => p.path))];
    } catch (err) {
      assert.ok(isOpenKmsError(err));
      return [String(err.context.path)];
    }
  };
  assert.deepEqual(problems('[networks.local]\nchain = "evm"\nchain_id = 1'), ['networks.local.upstream']);
  assert.deepEqual(problems('[networks.local]\nchain = "evm"\nchain_id = 1\nupstream = "ftp://x"'), ['networks.local.upstream']);
  assert.deepEqual(problems('[networks.local]\nchain = "evm"\nupstream = "http://x"'), ['networks.local.chain_id']);
  assert.deepEqual(problems('[networks.local]\nchain = "evm"\nchain_id = 0\nupstream = "http://x"'), ['networks.local.chain_id']);
  assert.deepEqual(problems('[networks.local]\nchain = "evm"\nchain_id = 1\nupstream = "http://x"\ngas_margin = 2'), ['networks.local.gas_margin']);
  assert.deepEqual(problems('[networks.hub]\nchain = "cosmos"\nupstream = "http://x"'), ['networks.hub.chain']);
  assert.deepEqual(problems('[networks.x]\nchain = "nope"\nupstream = "http://x"'), ['networks.x.chain']);
  assert.throws(
    () => bindConfig(parseConfig(toml('[networks.local]\nchain = "evm"\nupstream = "http://x"'), '/x/config.toml'), chains),
    (e) => isOpenKmsError(e) && e.code === 'config_invalid' && e.context.path === 'networks.local.chain_id',
  );
  assert.deepEqual(
    rawNetworkProblems({ networks: { local: { chain: 'evm', upstream: 'http://x' } } }, chains).map((p) => p.path),
    ['networks.local.chain_id'],
  );
});
