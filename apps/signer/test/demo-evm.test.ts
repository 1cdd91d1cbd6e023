import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bytesToHex, recoverTransactionAddress } from 'viem';
import { privateKeyToAddress } from 'viem/accounts';
import { ceremonySeed, deriveSecp256k1Key } from '@openkms/yubihsm/ceremony';
import { demoCommand } from '../src/cli/demo-command.js';
import { UsageError } from '../src/cli/parse-args.js';
import { startDemo, type RunningDemo } from '../src/demo/start-demo.js';
import { DEFAULT_EVM_UPSTREAM } from '../src/demo/demo-config.js';
import { captureStream } from './support/test-signer.js';

// `openkms demo` with its EVM key (evm-hot-0, 0x0102, chain id 31337) and the `local` JSON-RPC network, with no node.

const dirs: string[] = [];
const running: RunningDemo[] = [];
after(async () => {
  for (const d of running) await d.close().catch(() => undefined);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function deadUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  return `http://127.0.0.1:${port}`;
}

test("the demo has evm-hot-0 (derived at m/44'/60'/0'/0/0) and the local network; without a node /sign/evm works and JSON-RPC says rpc_unavailable", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'openkms-demo-evm-'));
  dirs.push(dir);
  const upstream = await deadUrl();
  const demo = await startDemo({ dir, listen: { host: '127.0.0.1', port: 0 }, sim: 'in-process', evmUpstream: upstream, logDestination: captureStream([]) });
  running.push(demo);
  const token = readFileSync(demo.files.signerToken, 'utf8').trim();
  const url = demo.signer.url;
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

  const seed = ceremonySeed(readFileSync(demo.files.mnemonic, 'utf8'));
  const expected = privateKeyToAddress(bytesToHex(deriveSecp256k1Key(seed, "m/44'/60'/0'/0/0")));
  const keys = (await (await fetch(`${url}/keys`, { headers })).json()) as any[];
  const evm = keys.find((k) => k.label === 'evm-hot-0');
  assert.equal(evm.object_id, 0x0102);
  assert.equal(evm.chain, 'evm');
  assert.equal(evm.address, expected);
  assert.equal(keys.find((k) => k.label === 'cosmos-hub-0').object_id, 0x0100, 'the other demo keys keep their ids');
  assert.equal(keys.find((k) => k.label === 'solana-hot-0').object_id, 0x0101);

  const signed = await fetch(`${url}/sign/evm`, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      label: 'evm-hot-0',
      expected_chain_id: 31337,
      tx: {
        nonce: 0,
        gas: '21000',
        maxFeePerGas: '2000000000',
        maxPriorityFeePerGas: '1000000000',
        to: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
        value: '1000',
      },
    }),
  });
  const body = (await signed.json()) as any;
  assert.equal(signed.status, 200, JSON.stringify(body));
  assert.equal(await recoverTransactionAddress({ serializedTransaction: body.raw_transaction }), expected);

  const rpc = async (method: string, params: unknown[] = []) =>
    (await (await fetch(`${url}/rpc/evm/local`, { method: 'POST', headers, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }) })).json()) as any;
  assert.deepEqual((await rpc('eth_accounts')).result, [expected]);
  assert.equal((await rpc('eth_chainId')).result, '0x7a69');
  const down = await rpc('eth_getBalance', [expected, 'latest']);
  assert.equal(down.error.code, -32002);
  assert.equal(down.error.data.code, 'rpc_unavailable');
  assert.match(down.error.message, /upstream node of network local is unreachable/);

  // a restart with another --evm-upstream rewrites the network's node in config.toml; without one it stays
  await demo.close();
  running.pop();
  const again = await startDemo({
    dir,
    listen: { host: '127.0.0.1', port: 0 },
    sim: 'in-process',
    evmUpstream: DEFAULT_EVM_UPSTREAM,
    logDestination: captureStream([]),
  });
  await again.close();
  assert.match(readFileSync(demo.files.config, 'utf8'), new RegExp(`^upstream = "${DEFAULT_EVM_UPSTREAM}"$`, 'm'));
  const third = await startDemo({ dir, listen: { host: '127.0.0.1', port: 0 }, sim: 'in-process', logDestination: captureStream([]) });
  await third.close();
  assert.match(readFileSync(demo.files.config, 'utf8'), new RegExp(`^upstream = "${DEFAULT_EVM_UPSTREAM}"$`, 'm'));
});

test('`openkms demo --evm-upstream` must be an http(s) URL (a usage error, nothing started)', async () => {
  for (const bad of ['ftp://127.0.0.1:8545', '127.0.0.1:8545', 'http://a b']) {
    await assert.rejects(
      demoCommand(['--evm-upstream', bad, '--dir', join(tmpdir(), 'openkms-demo-never-created')], { out: () => undefined, err: () => undefined }),
      (e: unknown) => e instanceof UsageError && /--evm-upstream must be an http/.test(e.message),
    );
  }
});
