import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_RPC_TIMEOUT_MS, parseSolanaPluginOptions } from './plugin-options.js';
import { createSolanaChainSigner } from './solana-chain-signer.js';
import { testAddress } from './test-fixtures.js';

test('plugin options: defaults, rpc_url, pinned tables', () => {
  assert.deepEqual(parseSolanaPluginOptions({}), { rpcTimeoutMs: DEFAULT_RPC_TIMEOUT_MS, lookupTables: new Map() });
  const c = parseSolanaPluginOptions({ rpc_url: 'http://127.0.0.1:8899', rpc_timeout_ms: 500, lookup_tables: { [testAddress(1)]: [testAddress(2)] } });
  assert.equal(c.rpcUrl, 'http://127.0.0.1:8899');
  assert.equal(c.rpcTimeoutMs, 500);
  assert.deepEqual([...c.lookupTables], [[testAddress(1), [testAddress(2)]]]);
});

test('plugin options: every mistake is config_invalid with the dotted path', () => {
  const bad: [Record<string, unknown>, string][] = [
    [{ rpcurl: 'x' }, 'plugins.solana.rpcurl'],
    [{ rpc_url: 'ftp://x' }, 'plugins.solana.rpc_url'],
    [{ rpc_url: 'not a url' }, 'plugins.solana.rpc_url'],
    [{ rpc_timeout_ms: 0 }, 'plugins.solana.rpc_timeout_ms'],
    [{ rpc_timeout_ms: 60_000 }, 'plugins.solana.rpc_timeout_ms'],
    [{ lookup_tables: { nope: [] } }, 'plugins.solana.lookup_tables.nope'],
    [{ lookup_tables: { [testAddress(1)]: ['bad'] } }, `plugins.solana.lookup_tables.${testAddress(1)}[0]`],
  ];
  for (const [options, path] of bad) {
    assert.throws(
      () => createSolanaChainSigner(options),
      (err: { code?: string; context?: { path?: string } }) => {
        assert.equal(err.code, 'config_invalid');
        assert.equal(err.context?.path, path);
        return true;
      },
    );
  }
});
