import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Contract, FetchRequest, JsonRpcProvider } from 'ethers';
import {
  createPublicClient,
  createWalletClient,
  encodeFunctionData,
  erc20Abi,
  http,
  maxUint256,
  verifyMessage,
  type Address,
  type Hex,
  type PublicClient,
} from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { foundry } from 'viem/chains';
import { TokenStore } from '../src/auth/token-store.js';
import { anvilBinary, startAnvil, type Anvil } from '@openkms/tooling/test-helpers';
import { compileTestToken } from './support/erc20-token.js';
import { appendToml, waitForAudit } from './support/policy-fixtures.js';
import { startTestSigner, type TestSigner } from './support/test-signer.js';

// POST /rpc/evm/<network> end to end: unmodified viem and ethers clients pointed at the signer's JSON-RPC endpoint,
// a real anvil node behind it. The key is the demo's simulated secp256k1 key (object 0x0100) as an EVM key.

const LABEL = 'evm-rpc-0';
const CHAIN_ID = 31337;
const FRIEND = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const STRANGER = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC';
const OTHER_CONTRACT = '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512';
// anvil's first dev account (public test key) deploys the token: its first contract lands at TOKEN
const DEPLOYER_KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
const TOKEN = '0x5FbDB2315678afecb367f032d93F642f64180aa3';

const anvilBin = anvilBinary();

const config = (anvilUrl: string, deadPort: number, hangPort: number) => `
[keys.${LABEL}]
chain = "evm"
key_id = "0x0100"

[keys.${LABEL}.options]
chain_id = ${CHAIN_ID}

[keys.${LABEL}.policy]
max_signs_per_minute = 1000
per_tx_caps = { native = "2000000000000000000", "erc20:${TOKEN}" = "1000" }
fee_caps = { native = "10000000000000000" }
allowed_programs = [{ id = "native", comment = "plain ETH transfers" }]
allowed_recipients = [{ asset = "native", addresses = ["${FRIEND}"] }, { asset = "erc20:${TOKEN}", addresses = ["${FRIEND}"] }]
allowed_contracts = [{ address = "${TOKEN}", methods = ["transfer", "approve"] }]

[networks.anvil]
chain = "evm"
chain_id = ${CHAIN_ID}
upstream = "${anvilUrl}"

[networks.dead]
chain = "evm"
chain_id = ${CHAIN_ID}
upstream = "http://127.0.0.1:${deadPort}"

[networks.hang]
chain = "evm"
chain_id = ${CHAIN_ID}
upstream = "http://127.0.0.1:${hangPort}"
upstream_timeout_ms = 300
`;

interface RpcReply {
  jsonrpc: string;
  id: unknown;
  result?: any;
  error?: { code: number; message: string; data?: any };
}

describe('POST /rpc/evm/<network>: viem and ethers against anvil through the signer', { skip: 'missing' in anvilBin ? anvilBin.missing : false }, () => {
  let s: TestSigner;
  let anvil: Anvil;
  let node: PublicClient;
  let token: string;
  let address: Address;
  let hang: Server;
  let rpcUrl: string;
  const sent: Hex[] = [];

  before(async () => {
    anvil = await startAnvil((anvilBin as { path: string }).path, CHAIN_ID);
    node = createPublicClient({ chain: foundry, transport: http(anvil.url) });
    // a port nobody listens on, and a server that accepts connections and never answers
    const dead = createServer();
    await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r));
    const deadPort = (dead.address() as { port: number }).port;
    await new Promise((r) => dead.close(r));
    hang = createServer(() => undefined);
    await new Promise<void>((r) => hang.listen(0, '127.0.0.1', r));
    const hangPort = (hang.address() as { port: number }).port;
    const dir = mkdtempSync(join(tmpdir(), 'openkms-evm-rpc-'));
    s = await startTestSigner({
      dir,
      config: (toml) => {
        token = TokenStore.load(join(dir, 'tokens.json')).create('evm-rpc-agent', [`sign:${LABEL}`]);
        // a generous per-request deadline: 70 concurrent sends queue on one simulated device on a loaded machine
        return appendToml(config(anvil.url, deadPort, hangPort))(toml.replace('[server]\n', '[server]\nrequest_timeout_ms = 60000\n'));
      },
    });
    rpcUrl = `${s.url}/rpc/evm/anvil`;
  });
  after(async () => {
    await s?.close();
    await anvil?.stop();
    hang?.close();
  });

  const rpc = async (body: unknown, network = 'anvil', tokenOverride = token): Promise<{ status: number; json: any }> => {
    const res = await s.request('POST', `/rpc/evm/${network}`, { token: tokenOverride, body });
    return { status: res.status, json: res.json };
  };
  const call = async (method: string, params: unknown[] = [], network = 'anvil'): Promise<RpcReply> => {
    const res = await rpc({ jsonrpc: '2.0', id: 1, method, params }, network);
    assert.equal(res.status, 200);
    return res.json as RpcReply;
  };
  const viemTransport = () => http(rpcUrl, { fetchOptions: { headers: { Authorization: `Bearer ${token}` } } });

  test('eth_chainId and eth_accounts (the key this token may use on the network); eth_getBalance passes through', async () => {
    assert.equal((await call('eth_chainId')).result, '0x7a69');
    const wallet = createWalletClient({ chain: foundry, transport: viemTransport() });
    const accounts = await wallet.getAddresses();
    assert.equal(accounts.length, 1);
    address = accounts[0]!;
    assert.deepEqual((await call('personal_listAccounts')).result, [address]);
    await node.request({ method: 'anvil_setBalance' as never, params: [address, '0x56bc75e2d63100000'] as never });
    const viaSigner = createPublicClient({ chain: foundry, transport: viemTransport() });
    assert.equal(await viaSigner.getBalance({ address }), await node.getBalance({ address }));
    assert.equal(await viaSigner.getBalance({ address }), 100n * 10n ** 18n);
  });

  test('viem wallet client: 50 concurrent ETH transfers, all mined, nonces consecutive', async () => {
    const wallet = createWalletClient({ account: address, chain: foundry, transport: viemTransport() });
    const started = performance.now();
    const hashes = await Promise.all(Array.from({ length: 50 }, () => wallet.sendTransaction({ to: FRIEND, value: 10n ** 12n })));
    const receipts = await Promise.all(hashes.map((hash) => node.waitForTransactionReceipt({ hash, pollingInterval: 50, timeout: 60_000 })));
    console.log(`# 50 concurrent eth_sendTransaction through the signer, sent and mined: ${Math.round(performance.now() - started)} ms`);
    for (const r of receipts) assert.equal(r.status, 'success');
    sent.push(...hashes);
    await assertConsecutive();
  });

  test('denials are JSON-RPC errors with codes and the REST reason code and details, audited; their nonces are released', async () => {
    const tx = (fields: Record<string, unknown>) => ({ from: address, gas: '0x30d40', ...fields });
    const transfer = (to: string, amount: bigint) => encodeFunctionData({ abi: erc20Abi, functionName: 'transfer', args: [to as Address, amount] });
    const cases: [string, Record<string, unknown>, number, string][] = [
      ['recipient not allowed', tx({ to: STRANGER, value: '0x1' }), -32003, 'recipient_not_allowed'],
      ['ERC-20 amount over its cap', tx({ to: TOKEN, data: transfer(FRIEND, 1001n) }), -32003, 'per_tx_cap_exceeded'],
      [
        'an unlimited approve',
        tx({ to: TOKEN, data: encodeFunctionData({ abi: erc20Abi, functionName: 'approve', args: [FRIEND, maxUint256] }) }),
        -32003,
        'flag_not_allowed',
      ],
      ['wrong chain id', tx({ to: FRIEND, value: '0x1', chainId: '0x1' }), -32602, 'chain_id_mismatch'],
      [
        'a selector not allowed',
        tx({ to: TOKEN, data: encodeFunctionData({ abi: erc20Abi, functionName: 'transferFrom', args: [STRANGER, FRIEND, 1n] }) }),
        -32003,
        'method_not_allowed_by_policy',
      ],
      [
        'a 7702 authorization',
        tx({
          to: FRIEND,
          type: '0x4',
          authorizationList: [{ chainId: CHAIN_ID, address: OTHER_CONTRACT, nonce: 0, r: `0x${'11'.repeat(32)}`, s: `0x${'22'.repeat(32)}`, yParity: 0 }],
        }),
        -32003,
        'flag_not_allowed',
      ],
    ];
    for (const [name, params, code, reason] of cases) {
      const reply = await call('eth_sendTransaction', [params]);
      assert.equal(reply.error?.code, code, `${name}: ${JSON.stringify(reply)}`);
      assert.equal(reply.error?.data?.code, reason, name);
      assert.equal(reply.result, undefined);
      assert.ok(reply.error?.data?.request_id, name);
      if (reason !== 'chain_id_mismatch') assert.ok(reply.error?.data?.details, `${name}: details as in the REST API`);
      const [rec] = await waitForAudit(s, (r) => r.request_id === reply.error!.data.request_id);
      assert.equal(rec?.decision, 'deny', name);
      assert.equal(rec?.reason_code, reason, name);
      assert.equal(rec?.label, LABEL);
    }
    // the same refusals as 403/400 on POST /sign/evm (evm-sign.test.ts covers each); one here for the shared codes
    const rest = await s.request('POST', '/sign/evm', {
      token,
      body: {
        label: LABEL,
        expected_chain_id: CHAIN_ID,
        tx: { nonce: 0, gas: '21000', maxFeePerGas: '1', maxPriorityFeePerGas: '1', to: STRANGER, value: '1' },
      },
    });
    assert.equal(rest.status, 403);
    assert.equal(rest.json.code, 'recipient_not_allowed');
    // a from this token may not use: refused and audited
    const other = await call('eth_sendTransaction', [{ from: FRIEND, to: FRIEND, value: '0x1' }]);
    assert.equal(other.error?.code, -32003);
    assert.equal(other.error?.data?.code, 'forbidden_scope');
    const [rec] = await waitForAudit(s, (r) => r.request_id === other.error!.data.request_id);
    assert.equal(rec?.decision, 'deny');
  });

  test('ethers v6 JsonRpcSigner: deploy-free ERC-20 transfers (20 concurrent), all mined, nonces consecutive', async () => {
    // the token is deployed by anvil's dev account directly on the node, minting to the signer's key
    const { abi, bytecode } = compileTestToken();
    const deployer = createWalletClient({ account: privateKeyToAccount(DEPLOYER_KEY), chain: foundry, transport: http(anvil.url) });
    const deployHash = await deployer.deployContract({ abi, bytecode, args: [address, 1_000_000n] });
    const deployed = await node.waitForTransactionReceipt({ hash: deployHash, pollingInterval: 50 });
    assert.equal(deployed.contractAddress?.toLowerCase(), TOKEN.toLowerCase());

    const request = new FetchRequest(rpcUrl);
    request.setHeader('Authorization', `Bearer ${token}`);
    const provider = new JsonRpcProvider(request, CHAIN_ID, { staticNetwork: true, pollingInterval: 100 });
    try {
      const signer = await provider.getSigner(address);
      const contract = new Contract(TOKEN, erc20Abi as never, signer);
      const started = performance.now();
      const txs = await Promise.all(Array.from({ length: 20 }, () => contract.getFunction('transfer')(FRIEND, 7n)));
      const receipts = await Promise.all(txs.map((t: { wait(): Promise<{ status: number; hash: string }> }) => t.wait()));
      console.log(`# 20 concurrent ERC-20 transfers through ethers JsonRpcSigner, sent and mined: ${Math.round(performance.now() - started)} ms`);
      for (const r of receipts) assert.equal(r.status, 1);
      sent.push(...receipts.map((r) => r.hash as Hex));
      assert.equal(await node.readContract({ address: TOKEN, abi: erc20Abi, functionName: 'balanceOf', args: [FRIEND] }), 140n);
    } finally {
      provider.destroy();
    }
    await assertConsecutive();
  });

  test('a node rejection after allocation releases the nonce (no gap); "nonce too low" resynchronises and retries', async () => {
    // insufficient funds: the node refuses the signed transaction; its nonce is handed out again
    const balance = await node.getBalance({ address });
    await node.request({ method: 'anvil_setBalance' as never, params: [address, '0x5af3107a4000'] as never }); // 0.0001 ETH
    const poor = await call('eth_sendTransaction', [{ from: address, to: FRIEND, value: '0xde0b6b3a7640000', gas: '0x5208' }]);
    assert.ok(poor.error, JSON.stringify(poor));
    assert.match(poor.error!.message, /insufficient funds/i);
    await node.request({ method: 'anvil_setBalance' as never, params: [address, `0x${balance.toString(16)}`] as never });
    const ok = await call('eth_sendTransaction', [{ from: address, to: FRIEND, value: '0x1' }]);
    assert.ok(ok.result, JSON.stringify(ok));
    sent.push(ok.result);
    await node.waitForTransactionReceipt({ hash: ok.result, pollingInterval: 50 });
    await assertConsecutive();

    // the account's nonce moves on without the signer (another wallet): the node says "nonce too low" once
    const onChain = await node.getTransactionCount({ address });
    await node.request({ method: 'anvil_setNonce' as never, params: [address, `0x${(onChain + 3).toString(16)}`] as never });
    const after = await call('eth_sendTransaction', [{ from: address, to: FRIEND, value: '0x1' }]);
    assert.ok(after.result, JSON.stringify(after));
    const mined = await node.getTransaction({ hash: after.result });
    assert.equal(mined.nonce, onChain + 3);
  });

  test('personal_sign where the policy allows it; eth_sign is refused', async () => {
    const denied = await call('personal_sign', ['0x68656c6c6f', address]);
    assert.equal(denied.error?.code, -32003);
    assert.equal(denied.error?.data?.code, 'flag_not_allowed');
    await s.request('PATCH', `/admin/keys/${LABEL}/policy`, { token: s.adminToken, body: { allowed_flags: ['personal_message'] } });
    try {
      const viaViem = createWalletClient({ account: address, chain: foundry, transport: viemTransport() });
      const signature = await viaViem.signMessage({ message: 'hello' });
      assert.equal(await verifyMessage({ address, message: 'hello', signature }), true);
    } finally {
      await s.request('DELETE', `/admin/keys/${LABEL}/policy`, { token: s.adminToken });
    }
    const ethSign = await call('eth_sign', [address, `0x${'ab'.repeat(32)}`]);
    assert.equal(ethSign.error?.code, -32601);
    assert.equal(ethSign.error?.data?.code, 'rpc_method_not_allowed');
    const [rec] = await waitForAudit(s, (r) => r.request_id === ethSign.error!.data.request_id);
    assert.equal(rec?.decision, 'deny');
  });

  test('methods off the passthrough allowlist are refused (method not found)', async () => {
    for (const method of ['eth_sendRawTransaction', 'anvil_setBalance', 'debug_traceTransaction', 'admin_peers', 'wallet_sendTransaction']) {
      const reply = await call(method, []);
      assert.equal(reply.error?.code, -32601, method);
      assert.equal(reply.error?.data?.code, 'rpc_method_not_allowed', method);
    }
  });

  test('a batch: replies in order with their ids, notifications get none, bad entries their own error', async () => {
    const res = await rpc([
      { jsonrpc: '2.0', id: 'a', method: 'eth_chainId' },
      { jsonrpc: '2.0', id: 7, method: 'eth_accounts', params: [] },
      { jsonrpc: '2.0', method: 'eth_chainId' },
      { jsonrpc: '2.0', id: 8, method: 'nope_method', params: [] },
      { id: 9, method: 'eth_chainId' },
      { jsonrpc: '2.0', id: 10, method: 'eth_getBalance', params: [address, 'latest'] },
    ]);
    assert.equal(res.status, 200);
    const replies = res.json as RpcReply[];
    assert.deepEqual(
      replies.map((r) => r.id),
      ['a', 7, 8, 9, 10],
    );
    assert.equal(replies[0]!.result, '0x7a69');
    assert.deepEqual(replies[1]!.result, [address]);
    assert.equal(replies[2]!.error?.code, -32601);
    assert.equal(replies[3]!.error?.code, -32600);
    assert.match(replies[4]!.result, /^0x[0-9a-f]+$/);
    assert.equal((await rpc([])).json.error.code, -32600);
  });

  test('an oversized request, bad JSON, no token, an unknown network: errors with codes', async () => {
    const big = await s.request('POST', '/rpc/evm/anvil', {
      token,
      body: { jsonrpc: '2.0', id: 1, method: 'eth_call', params: [{ to: FRIEND, data: `0x${'00'.repeat(70_000)}` }, 'latest'] },
    });
    assert.equal(big.status, 413);
    assert.equal(big.json.error.code, -32600);
    assert.equal(big.json.error.data.code, 'payload_too_large');
    const bad = await s.request('POST', '/rpc/evm/anvil', { token, rawBody: '{"jsonrpc":' });
    assert.equal(bad.status, 400);
    assert.equal(bad.json.error.code, -32700);
    const anonymous = await s.request('POST', '/rpc/evm/anvil', { body: { jsonrpc: '2.0', id: 1, method: 'eth_chainId' } });
    assert.equal(anonymous.status, 401);
    const unknown = await rpc({ jsonrpc: '2.0', id: 1, method: 'eth_chainId' }, 'mainnet');
    assert.equal(unknown.status, 404);
    assert.equal(unknown.json.error.data.code, 'not_found');
  });

  test('an unreachable upstream (refused, or never answering) is a JSON-RPC error with a code, not a hang', async () => {
    const refused = await call('eth_getBalance', [address, 'latest'], 'dead');
    assert.equal(refused.error?.code, -32002);
    assert.equal(refused.error?.data?.code, 'rpc_unavailable');
    const send = await call('eth_sendTransaction', [{ from: address, to: FRIEND, value: '0x1' }], 'dead');
    assert.equal(send.error?.data?.code, 'rpc_unavailable');
    const silent = await call('eth_blockNumber', [], 'hang');
    assert.equal(silent.error?.code, -32002);
    assert.equal(silent.error?.data?.code, 'rpc_unavailable');
    assert.equal(silent.error?.data?.details?.timeout_ms, 300);
    assert.equal((await call('eth_chainId', [], 'dead')).result, '0x7a69', 'eth_chainId needs no node');
  });

  /** Every transaction the tests sent from the key: nonces are exactly 0..n-1, and the node's count agrees. */
  async function assertConsecutive(): Promise<void> {
    const nonces = (await Promise.all(sent.map((hash) => node.getTransaction({ hash })))).map((t) => t.nonce).sort((a, b) => a - b);
    assert.deepEqual(
      nonces,
      nonces.map((_, i) => i),
    );
    assert.equal(await node.getTransactionCount({ address }), sent.length);
  }
});
