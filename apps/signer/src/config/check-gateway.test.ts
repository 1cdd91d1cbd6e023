import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isOpenKmsError, type ChainSigner } from '@openkms/core';
import { createCosmosChainSigner } from '@openkms/cosmos';
import { createEvmChainSigner } from '@openkms/evm';
import { bindConfig } from './check-keys.js';
import { checkGatewayContracts } from './check-gateway.js';
import { parseConfig } from './load-config.js';

const chains = new Map<string, ChainSigner<any, any>>([
  ['evm', createEvmChainSigner()],
  ['cosmos', createCosmosChainSigner()],
]);
const TOKEN = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
const ABI = [
  {
    type: 'function',
    name: 'transfer',
    stateMutability: 'nonpayable',
    inputs: [
      { name: 'to', type: 'address' },
      { name: 'value', type: 'uint256' },
    ],
    outputs: [],
  },
];

function configIn(dir: string, contract: string): string {
  return `
[backend]
kind = "yubihsm"
[networks.local]
chain = "evm"
chain_id = 31337
upstream = "http://127.0.0.1:8545"
${contract}
`;
}

test('[gateway.contracts.<name>]: read with the ABI file (an array or an artifact with an abi field), relative to the config', () => {
  const dir = mkdtempSync(join(tmpdir(), 'openkms-gw-config-'));
  writeFileSync(join(dir, 'token.json'), JSON.stringify({ contractName: 'T', abi: ABI }));
  const c = parseConfig(
    configIn(dir, `[gateway.contracts.token]\nnetwork = "local"\naddress = "${TOKEN.toLowerCase()}"\nabi_file = "token.json"`),
    join(dir, 'config.toml'),
  );
  const { contracts, problems } = checkGatewayContracts(c, chains);
  assert.deepEqual(problems, []);
  assert.deepEqual(contracts, [{ name: 'token', network: 'local', address: TOKEN, abi: ABI }]);
});

test('gateway contract problems name the entry: network, address, unreadable or invalid ABI (the item), schema', () => {
  const dir = mkdtempSync(join(tmpdir(), 'openkms-gw-config-'));
  writeFileSync(join(dir, 'good.json'), JSON.stringify(ABI));
  writeFileSync(
    join(dir, 'bad.json'),
    JSON.stringify([ABI[0], { type: 'function', name: 'x', inputs: [{ name: 'a', type: 'uint7' }], outputs: [], stateMutability: 'view' }]),
  );
  writeFileSync(join(dir, 'text.json'), 'not json');
  const paths = (contract: string) => {
    try {
      bindConfig(parseConfig(configIn(dir, contract), join(dir, 'config.toml')), chains);
      return [];
    } catch (err) {
      assert.ok(isOpenKmsError(err), String(err));
      return [String(err.context.path)];
    }
  };
  const entry = (fields: string) => `[gateway.contracts.token]\n${fields}`;
  assert.deepEqual(paths(entry(`network = "nope"\naddress = "${TOKEN}"\nabi_file = "good.json"`)), ['gateway.contracts.token.network']);
  assert.deepEqual(paths(entry(`network = "local"\naddress = "0x12"\nabi_file = "good.json"`)), ['gateway.contracts.token.address']);
  assert.deepEqual(paths(entry(`network = "local"\naddress = "${TOKEN}"\nabi_file = "missing.json"`)), ['gateway.contracts.token.abi_file']);
  assert.deepEqual(paths(entry(`network = "local"\naddress = "${TOKEN}"\nabi_file = "text.json"`)), ['gateway.contracts.token.abi_file']);
  assert.deepEqual(paths(entry(`network = "local"\naddress = "${TOKEN}"\nabi_file = "bad.json"`)), ['gateway.contracts.token.abi_file[1].inputs[0].type']);
  assert.deepEqual(paths(entry(`network = "local"\naddress = "${TOKEN}"`)), ['gateway.contracts.token.abi_file']);
  assert.deepEqual(paths(`[gateway.contracts.receipts]\nnetwork = "local"\naddress = "${TOKEN}"\nabi_file = "good.json"`), ['gateway.contracts']);
  assert.deepEqual(paths(entry(`network = "local"\naddress = "${TOKEN}"\nabi_file = "good.json"`)), []);
});
