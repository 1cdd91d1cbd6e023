import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import {
  createPublicClient,
  createWalletClient,
  encodeFunctionData,
  erc20Abi,
  http,
  toFunctionSelector,
  type Abi,
  type Address,
  type Hex,
  type PublicClient,
} from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { foundry } from 'viem/chains';
import { TokenStore } from '../src/auth/token-store.js';
import { anvilBinary, startAnvil, type Anvil } from '@openkms/tooling/test-helpers';
import { compileTestToken } from './support/erc20-token.js';
import { compileOrderBook } from './support/gateway-contracts.js';
import { appendToml, waitForAudit, withPolicy } from './support/policy-fixtures.js';
import { startTestSigner, type TestSigner } from './support/test-signer.js';

// The REST gateway end to end: an ERC-20 (registered in config) and a contract with an overloaded function, a tuple
// argument and events (registered through the admin API), deployed on a real anvil node; the demo key evm-hot-0 signs.

const LABEL = 'evm-hot-0';
const CHAIN_ID = 31337;
const FRIEND = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8';
const STRANGER = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC';
// anvil's first dev account (public test key) deploys both contracts: nonce 0 → TOKEN, nonce 1 → BOOK
const DEPLOYER_KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
const TOKEN = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
const BOOK = '0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512';

const anvilBin = anvilBinary();

describe('REST gateway: /gateway/<contract>/<method> against anvil', { skip: 'missing' in anvilBin ? anvilBin.missing : false }, () => {
  let s: TestSigner;
  let anvil: Anvil;
  let node: PublicClient;
  let token: string;
  let readToken: string;
  let address: Address;
  let bookAbi: Abi;
  const sent: Hex[] = [];

  before(async () => {
    anvil = await startAnvil((anvilBin as { path: string }).path, CHAIN_ID);
    node = createPublicClient({ chain: foundry, transport: http(anvil.url) });
    const deployer = createWalletClient({ account: privateKeyToAccount(DEPLOYER_KEY), chain: foundry, transport: http(anvil.url) });
    const erc20 = compileTestToken();
    const book = compileOrderBook();
    bookAbi = book.abi;
    const h1 = await deployer.deployContract({ abi: erc20.abi, bytecode: erc20.bytecode, args: [deployer.account.address, 1_000_000n] });
    const h2 = await deployer.deployContract({ abi: book.abi, bytecode: book.bytecode });
    assert.equal((await node.waitForTransactionReceipt({ hash: h1, pollingInterval: 50 })).contractAddress?.toLowerCase(), TOKEN.toLowerCase());
    assert.equal((await node.waitForTransactionReceipt({ hash: h2, pollingInterval: 50 })).contractAddress?.toLowerCase(), BOOK.toLowerCase());

    const dead = createServer();
    await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r));
    const deadPort = (dead.address() as { port: number }).port;
    await new Promise((r) => dead.close(r));

    const dir = mkdtempSync(join(tmpdir(), 'openkms-evm-gateway-'));
    // a compiler-artifact-shaped file (an object with an abi field) for the token
    writeFileSync(join(dir, 'token.abi.json'), JSON.stringify({ contractName: 'TestToken', abi: erc20.abi }));
    s = await startTestSigner({
      dir,
      config: (toml) => {
        const tokens = TokenStore.load(join(dir, 'tokens.json'));
        token = tokens.create('gateway-agent', [`sign:${LABEL}`]);
        readToken = tokens.create('gateway-reader', ['read']);
        const policy = withPolicy(
          LABEL,
          `
max_signs_per_minute = 1000
per_tx_caps = { native = "1000000000000000000", "erc20:${TOKEN}" = "1000" }
fee_caps = { native = "10000000000000000" }
allowed_programs = [{ id = "native" }]
allowed_recipients = [{ asset = "erc20:${TOKEN}", addresses = ["${FRIEND}"] }]
allowed_contracts = [{ address = "${TOKEN}", methods = ["transfer"] }, { address = "${BOOK}", methods = ["store", "place"], comment = "decoded by its registered ABI" }]
`,
        )(toml).replace(/^upstream = .*$/m, `upstream = "${anvil.url}"`);
        return appendToml(`
[networks.dead]
chain = "evm"
chain_id = ${CHAIN_ID}
upstream = "http://127.0.0.1:${deadPort}"

[gateway.contracts.token]
network = "local"
address = "${TOKEN}"
abi_file = "token.abi.json"

[gateway.contracts.deadtoken]
network = "dead"
address = "${TOKEN}"
abi_file = "token.abi.json"
`)(policy);
      },
    });
    address = (await s.request('GET', '/keys', { token: readToken })).json.find((k: { label: string }) => k.label === LABEL).address;
    await node.request({ method: 'anvil_setBalance' as never, params: [address, '0x56bc75e2d63100000'] as never });
    const fund = await deployer.writeContract({ address: TOKEN, abi: erc20Abi, functionName: 'transfer', args: [address, 100_000n] });
    await node.waitForTransactionReceipt({ hash: fund, pollingInterval: 50 });
  });
  after(async () => {
    await s?.close();
    await anvil?.stop();
  });

  const selector = (sig: string) => toFunctionSelector(`function ${sig}`);
  const gw = (method: string, path: string, opts: { body?: unknown; t?: string; headers?: Record<string, string> } = {}) =>
    s.request(method, path, {
      token: opts.t ?? token,
      ...(opts.body === undefined ? {} : { body: opts.body }),
      ...(opts.headers ? { headers: opts.headers } : {}),
    });
  const balanceOf = (who: string) => node.readContract({ address: TOKEN, abi: erc20Abi, functionName: 'balanceOf', args: [who as Address] });

  test('register the OrderBook through the admin API (audited, persisted); bad ABIs are 400 naming the entry', async () => {
    const bad = await gw('POST', '/admin/gateway/contracts', {
      t: s.adminToken,
      body: {
        name: 'book',
        network: 'local',
        address: BOOK,
        abi: [{ type: 'function', name: 'x', inputs: [{ type: 'uint7' }], outputs: [], stateMutability: 'view' }],
      },
    });
    assert.equal(bad.status, 400, bad.text);
    assert.equal(bad.json.code, 'abi_invalid');
    assert.match(bad.json.error, /body\.abi\[0\]\.inputs\[0\]\.type/);
    const noAdmin = await gw('POST', '/admin/gateway/contracts', { body: { name: 'book', network: 'local', address: BOOK, abi: bookAbi } });
    assert.equal(noAdmin.status, 403);
    const clash = await gw('POST', '/admin/gateway/contracts', { t: s.adminToken, body: { name: 'token', network: 'local', address: BOOK, abi: bookAbi } });
    assert.equal(clash.status, 409);
    const unknownNet = await gw('POST', '/admin/gateway/contracts', { t: s.adminToken, body: { name: 'book', network: 'nope', address: BOOK, abi: bookAbi } });
    assert.equal(unknownNet.status, 400);

    const res = await gw('POST', '/admin/gateway/contracts', { t: s.adminToken, body: { name: 'book', network: 'local', address: BOOK, abi: bookAbi } });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.json.address, BOOK);
    assert.ok(res.json.methods.some((m: { signature: string; overloaded: boolean }) => m.signature === 'store(uint256,uint256)' && m.overloaded));
    const [rec] = await waitForAudit(s, (r) => r.request_id === res.headers.get('x-request-id') && r.action === 'gateway_contract_register');
    assert.equal(rec?.decision, 'admin');
    const file = join(s.dir, 'gateway-contracts.json');
    assert.ok(existsSync(file));
    assert.equal(statSync(file).mode & 0o077, 0);
    assert.equal(JSON.parse(readFileSync(file, 'utf8')).contracts.book.address, BOOK);
    const list = await gw('GET', '/admin/gateway/contracts', { t: s.adminToken });
    assert.deepEqual(list.json.map((c: { name: string; source: string }) => `${c.name}:${c.source}`).sort(), [
      'book:admin',
      'deadtoken:config',
      'token:config',
    ]);
  });

  test('POST /gateway/token/transfer?kld-from=evm-hot-0&sync=true: mined, Transfer decoded, balance moved; balanceOf by GET', async () => {
    const before = await balanceOf(FRIEND);
    const res = await gw('POST', `/gateway/token/transfer?kld-from=${LABEL}&sync=true`, { body: { to: FRIEND, value: '250' } });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.json.status, 'success');
    assert.equal(res.json.from, address);
    assert.equal(res.json.to, TOKEN);
    assert.match(res.json.nonce, /^[0-9]+$/);
    assert.match(res.json.block_number, /^[0-9]+$/);
    assert.deepEqual(
      res.json.events.map((e: { event: string; contract: string; args: unknown }) => [e.event, e.contract, e.args]),
      [['Transfer', 'token', { from: address, to: FRIEND, value: '250' }]],
    );
    sent.push(res.json.transaction_hash);
    assert.equal(await balanceOf(FRIEND), before + 250n);

    const read = await gw('GET', `/gateway/token/balanceOf?arg0=${FRIEND}`, { t: readToken });
    assert.equal(read.status, 200, read.text);
    assert.deepEqual(read.json, { out0: String(before + 250n) });
    const receipt = await gw('GET', `/gateway/receipts/${res.json.transaction_hash}?network=local`, { t: readToken });
    assert.equal(receipt.status, 200, receipt.text);
    assert.equal(receipt.json.events[0].event, 'Transfer');
    assert.equal(receipt.json.events[0].args.value, '250');
    // a positional array, the key by address in the header, no sync: the hash and nonce at once
    const positional = await gw('POST', '/gateway/token/transfer', { body: [FRIEND.toLowerCase(), 1], headers: { 'x-openkms-from': address.toLowerCase() } });
    assert.equal(positional.status, 200, positional.text);
    assert.equal(positional.json.status, undefined);
    assert.equal(Number(positional.json.nonce), Number(res.json.nonce) + 1);
    sent.push(positional.json.transaction_hash);
  });

  test('the OrderBook: overloads by signature, a tuple argument, events decoded; view outputs by name; POST ?call=true', async () => {
    const ambiguous = await gw('POST', `/gateway/book/store?kld-from=${LABEL}`, { body: { value: '1' } });
    assert.equal(ambiguous.status, 404);
    assert.equal(ambiguous.json.code, 'unknown_method');
    assert.match(ambiguous.json.error, /store\(uint256,uint256\)/);
    const one = await gw('POST', `/gateway/book/${encodeURIComponent('store(uint256)')}?kld-from=${LABEL}&sync=true`, { body: { value: '7' } });
    assert.equal(one.status, 200, one.text);
    assert.deepEqual(one.json.events[0].args, { by: address, value: '7' });
    const two = await gw('POST', `/gateway/book/store(uint256,uint256)?kld-from=${LABEL}&sync=true`, { body: { value: '7', extra: '5' } });
    assert.equal(two.status, 200, two.text);
    assert.equal(two.json.events[0].args.value, '12');
    const tag = `0x${'ab'.repeat(32)}`;
    const placed = await gw('POST', `/gateway/book/place?kld-from=${LABEL}&sync=true`, { body: { order: { maker: FRIEND, amount: '99', tag } } });
    assert.equal(placed.status, 200, placed.text);
    assert.equal(placed.json.status, 'success');
    assert.deepEqual(placed.json.events[0], {
      address: BOOK.toLowerCase(),
      log_index: placed.json.events[0].log_index,
      contract: 'book',
      event: 'OrderPlaced',
      signature: 'OrderPlaced(uint256,address,uint256,bytes32)',
      args: { id: '1', maker: FRIEND, amount: '99', tag },
    });
    sent.push(one.json.transaction_hash, two.json.transaction_hash, placed.json.transaction_hash);
    // the policy saw the call decoded by the registered ABI (allowed_contracts names its methods, no
    // allow_unknown_instructions), and the audit record keeps the contract, the signature and the arguments
    const [placedRec] = await waitForAudit(s, (r) => r.request_id === placed.headers.get('x-request-id') && r.decision === 'allow');
    assert.deepEqual(placedRec?.intent?.contracts, [
      {
        contract: BOOK.toLowerCase(),
        method: 'place',
        selector: selector('place((address,uint256,bytes32))'),
        via: BOOK.toLowerCase(),
        contract_name: 'book',
        signature: 'place((address,uint256,bytes32))',
        args: { order: { maker: FRIEND, amount: '99', tag } },
      },
    ]);
    assert.deepEqual((await gw('GET', '/gateway/book/stored', { t: readToken })).json, { out0: '12' });
    assert.deepEqual((await gw('GET', '/gateway/book/describe?x=101', { t: readToken })).json, { doubled: '202', big: true });
    const viaPost = await gw('POST', '/gateway/book/describe?call=true', { body: ['3'], t: readToken });
    assert.deepEqual(viaPost.json, { doubled: '6', big: false });
    // GET arguments are read by their ABI type: a string stays a string even when it looks like JSON (or a bool),
    // an array is JSON text, a bool is true/false
    for (const text of ['[1,2]', '{"a":1}', 'true', 'plain']) {
      const q = new URLSearchParams({ text, loud: 'true', ids: '["1","2","3"]' });
      const echo = await gw('GET', `/gateway/book/echo?${q}`, { t: readToken });
      assert.equal(echo.status, 200, `${text}: ${echo.text}`);
      assert.deepEqual(echo.json, { said: text, shouted: true, count: '3' });
    }
    const badArray = await gw('GET', `/gateway/book/echo?${new URLSearchParams({ text: 'x', loud: 'false', ids: '[1,' })}`, { t: readToken });
    assert.equal(badArray.status, 400, badArray.text);
    assert.equal(badArray.json.details.field, 'args.ids');
  });

  test('every route that signs for a registered contract decodes it by the ABI: explain, JSON-RPC, POST /sign/evm', async () => {
    const data = encodeFunctionData({ abi: bookAbi, functionName: 'describe', args: [5n] });
    const tx = { to: BOOK, data, nonce: '0', gas: '100000', maxFeePerGas: '1000000000', maxPriorityFeePerGas: '1' };
    const explained = await gw('POST', `/policy/${LABEL}/explain`, { body: { expected_chain_id: String(CHAIN_ID), tx }, t: readToken });
    assert.equal(explained.status, 200, explained.text);
    assert.equal(explained.json.allowed, false);
    assert.equal(explained.json.code, 'method_not_allowed_by_policy');
    const call = 'book.describe(uint256) {"x":"5"}';
    assert.deepEqual(explained.json.details.contract_calls, [call]);
    assert.deepEqual(
      explained.json.intent.contracts.map((c: { contract_name: string; signature: string; args: unknown }) => [c.contract_name, c.signature, c.args]),
      [['book', 'describe(uint256)', { x: '5' }]],
    );
    const signed = await gw('POST', '/sign/evm', { body: { label: LABEL, expected_chain_id: String(CHAIN_ID), tx } });
    assert.equal(signed.status, 403, signed.text);
    assert.equal(signed.json.code, 'method_not_allowed_by_policy');
    assert.deepEqual(signed.json.details.contract_calls, [call]);
    const [rec] = await waitForAudit(s, (r) => r.request_id === signed.headers.get('x-request-id') && r.decision === 'deny');
    assert.equal(rec?.intent?.contracts?.[0]?.signature, 'describe(uint256)');
    const rpc = await gw('POST', '/rpc/evm/local', {
      body: { jsonrpc: '2.0', id: 1, method: 'eth_sendTransaction', params: [{ from: address, to: BOOK, data }] },
    });
    assert.equal(rpc.json.error?.data?.code, 'method_not_allowed_by_policy', rpc.text);
    const [rpcRec] = await waitForAudit(s, (r) => r.request_id === rpc.headers.get('x-request-id') && r.decision === 'deny');
    assert.deepEqual(rpcRec?.intent?.contracts?.[0]?.args, { x: '5' });
  });

  test('20 concurrent gateway transfers all mine with consecutive nonces', async () => {
    const before = await balanceOf(FRIEND);
    const replies = await Promise.all(
      Array.from({ length: 20 }, () => gw('POST', `/gateway/token/transfer?kld-from=${LABEL}`, { body: { to: FRIEND, value: '3' } })),
    );
    for (const r of replies) assert.equal(r.status, 200, r.text);
    const nonces = replies.map((r) => Number(r.json.nonce)).sort((a, b) => a - b);
    for (let i = 1; i < nonces.length; i++) assert.equal(nonces[i], nonces[0]! + i);
    const receipts = await Promise.all(
      replies.map((r) => node.waitForTransactionReceipt({ hash: r.json.transaction_hash, pollingInterval: 50, timeout: 60_000 })),
    );
    for (const r of receipts) assert.equal(r.status, 'success');
    sent.push(...replies.map((r) => r.json.transaction_hash as Hex));
    assert.equal(await balanceOf(FRIEND), before + 60n);
    // every transaction the signer sent, in order of nonce, with no gap, up to the account's count
    const txs = await Promise.all(sent.map((hash) => node.getTransaction({ hash })));
    const all = txs.map((t) => t.nonce).sort((a, b) => a - b);
    for (let i = 1; i < all.length; i++) assert.equal(all[i], all[0]! + i);
    assert.equal(await node.getTransactionCount({ address }), all[all.length - 1]! + 1);
  });

  test('gateway calls and JSON-RPC eth_sendTransaction at once share one nonce manager: no nonce handed out twice', async () => {
    const viaGateway = Array.from({ length: 10 }, () => gw('POST', `/gateway/token/transfer?kld-from=${LABEL}`, { body: { to: FRIEND, value: '2' } }));
    const viaRpc = Array.from({ length: 10 }, (_, i) =>
      gw('POST', '/rpc/evm/local', { body: { jsonrpc: '2.0', id: i, method: 'eth_sendTransaction', params: [{ from: address, to: FRIEND, value: '0x1' }] } }),
    );
    const [g, r] = await Promise.all([Promise.all(viaGateway), Promise.all(viaRpc)]);
    const hashes = [...g.map((x) => x.json.transaction_hash as Hex), ...r.map((x) => x.json.result as Hex)];
    for (const [i, h] of hashes.entries()) assert.match(String(h), /^0x[0-9a-f]{64}$/, JSON.stringify(i < 10 ? g[i]!.json : r[i - 10]!.json));
    const receipts = await Promise.all(hashes.map((hash) => node.waitForTransactionReceipt({ hash, pollingInterval: 50, timeout: 60_000 })));
    for (const rc of receipts) assert.equal(rc.status, 'success');
    const nonces = (await Promise.all(hashes.map((hash) => node.getTransaction({ hash })))).map((t) => t.nonce).sort((a, b) => a - b);
    for (let i = 1; i < nonces.length; i++) assert.equal(nonces[i], nonces[0]! + i);
    sent.push(...hashes);
  });

  test('the generated OpenAPI document validates as OpenAPI 3.1; a request built from it succeeds', async () => {
    const res = await gw('GET', '/gateway/book/openapi.json', { t: readToken });
    assert.equal(res.status, 200);
    const doc = res.json;
    const validator = new Validator();
    const result = await validator.validate(doc);
    assert.equal(result.valid, true, JSON.stringify(result.errors));
    assert.equal(validator.version, '3.1');
    assert.ok(doc.paths['/gateway/book/store(uint256)'].post);
    assert.ok(doc.paths['/gateway/book/store(uint256,uint256)'].post);
    assert.ok(doc.paths['/gateway/book/describe'].get);
    assert.equal((await new Validator().validate((await gw('GET', '/gateway/token/openapi.json', { t: readToken })).json)).valid, true);
    // build the place() request from the document: its path, its kld-from parameter and its body schema's properties
    const op = doc.paths['/gateway/book/place'].post;
    const bodySchema = op.requestBody.content['application/json'].schema;
    assert.deepEqual(bodySchema.required, ['order']);
    const order = bodySchema.properties.order;
    assert.deepEqual(order.required, ['maker', 'amount', 'tag']);
    const from = op.parameters.find((p: { name: string }) => p.name === 'kld-from');
    const url = new URL(`${doc.servers[0].url}/gateway/book/place`);
    url.searchParams.set(from.name, LABEL);
    url.searchParams.set('sync', 'true');
    const body = { order: { maker: FRIEND, amount: '5', tag: `0x${'00'.repeat(32)}` } };
    for (const [k, schema] of Object.entries<{ pattern?: string }>(order.properties))
      if (schema.pattern) assert.match(String((body.order as Record<string, string>)[k]), new RegExp(schema.pattern));
    const made = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const json = (await made.json()) as { status: string; transaction_hash: Hex };
    assert.equal(made.status, 200, JSON.stringify(json));
    assert.equal(json.status, 'success');
    sent.push(json.transaction_hash);
  });

  test('policy denials are 403 with their code and an audit record', async () => {
    const cases: [string, unknown, string][] = [
      ['recipient not allowed', { to: STRANGER, value: '1' }, 'recipient_not_allowed'],
      ['ERC-20 amount over its cap', { to: FRIEND, value: '1001' }, 'per_tx_cap_exceeded'],
    ];
    for (const [name, body, code] of cases) {
      const res = await gw('POST', `/gateway/token/transfer?kld-from=${LABEL}`, { body });
      assert.equal(res.status, 403, `${name}: ${res.text}`);
      assert.equal(res.json.code, code, name);
      const { to, value } = body as { to: string; value: string };
      assert.deepEqual(res.json.details.contract_calls, [`token.transfer(address,uint256) ${JSON.stringify({ to, value })}`], name);
      const [rec] = await waitForAudit(s, (r) => r.request_id === res.headers.get('x-request-id') && r.decision === 'deny');
      assert.equal(rec?.reason_code, code, name);
      assert.deepEqual(rec?.intent?.contracts?.[0]?.args, { to, value }, name);
      assert.equal(rec?.label, LABEL);
    }
    // a token without sign scope for the key: forbidden_scope, audited
    const scope = await gw('POST', `/gateway/token/transfer?kld-from=${LABEL}`, { body: { to: FRIEND, value: '1' }, t: readToken });
    assert.equal(scope.status, 403);
    assert.equal(scope.json.code, 'forbidden_scope');
    const [rec] = await waitForAudit(s, (r) => r.request_id === scope.headers.get('x-request-id'));
    assert.equal(rec?.decision, 'deny');
    // the nonces of the refused calls were released: the next call takes the next nonce, no gap
    const next = await gw('POST', `/gateway/token/transfer?kld-from=${LABEL}&sync=true`, { body: { to: FRIEND, value: '1' } });
    assert.equal(next.status, 200, next.text);
    assert.equal(Number(next.json.nonce), (await node.getTransactionCount({ address })) - 1);
  });

  test('bad requests are 400/404 JSON errors, never 5xx; an unreachable node is a fast 503', async () => {
    const cases: [string, string, unknown, number, string][] = [
      ['wrong argument type', `/gateway/token/transfer?kld-from=${LABEL}`, { to: FRIEND, value: 'lots' }, 400, 'invalid_request'],
      ['bad address', `/gateway/token/transfer?kld-from=${LABEL}`, { to: '0x1234', value: '1' }, 400, 'invalid_request'],
      ['bad checksum', `/gateway/token/transfer?kld-from=${LABEL}`, { to: FRIEND.replace('C', 'c'), value: '1' }, 400, 'invalid_request'],
      ['missing argument', `/gateway/token/transfer?kld-from=${LABEL}`, { to: FRIEND }, 400, 'invalid_request'],
      ['unknown argument', `/gateway/token/transfer?kld-from=${LABEL}`, { to: FRIEND, value: '1', memo: 'x' }, 400, 'invalid_request'],
      ['uint out of range', `/gateway/token/transfer?kld-from=${LABEL}`, { to: FRIEND, value: (1n << 256n).toString() }, 400, 'invalid_request'],
      ['tuple field wrong', `/gateway/book/place?kld-from=${LABEL}`, { order: { maker: FRIEND, amount: '1', tag: '0x12' } }, 400, 'invalid_request'],
      ['unknown method', `/gateway/token/mint?kld-from=${LABEL}`, { to: FRIEND }, 404, 'unknown_method'],
      ['unknown contract', `/gateway/nope/transfer?kld-from=${LABEL}`, { to: FRIEND, value: '1' }, 404, 'unknown_contract'],
      ['unknown kld-from', '/gateway/token/transfer?kld-from=nobody', { to: FRIEND, value: '1' }, 404, 'unknown_from'],
      ['kld-from of another chain', '/gateway/token/transfer?kld-from=solana-hot-0', { to: FRIEND, value: '1' }, 404, 'unknown_from'],
      ['no kld-from', '/gateway/token/transfer', { to: FRIEND, value: '1' }, 400, 'invalid_request'],
      ['a view sent', `/gateway/token/balanceOf?kld-from=${LABEL}`, [FRIEND], 400, 'invalid_request'],
      ['value to a non-payable function', `/gateway/token/transfer?kld-from=${LABEL}&value=5`, { to: FRIEND, value: '1' }, 400, 'invalid_request'],
      ['unknown transaction field', `/gateway/token/transfer?kld-from=${LABEL}&colour=red`, { to: FRIEND, value: '1' }, 400, 'invalid_request'],
    ];
    for (const [name, path, body, status, code] of cases) {
      const res = await gw('POST', path, { body });
      assert.equal(res.status, status, `${name}: ${res.text}`);
      assert.equal(res.json.code, code, name);
    }
    const badGet = await gw('GET', '/gateway/token/balanceOf?arg0=notanaddress', { t: readToken });
    assert.equal(badGet.status, 400);
    const badHash = await gw('GET', '/gateway/receipts/0x12?network=local', { t: readToken });
    assert.equal(badHash.status, 400);
    const noReceipt = await gw('GET', `/gateway/receipts/0x${'11'.repeat(32)}?network=local`, { t: readToken });
    assert.equal(noReceipt.status, 404);
    const started = performance.now();
    const down = await gw('POST', `/gateway/deadtoken/transfer?kld-from=${LABEL}`, { body: { to: FRIEND, value: '1' } });
    assert.equal(down.status, 503, down.text);
    assert.equal(down.json.code, 'rpc_unavailable');
    const downRead = await gw('GET', `/gateway/deadtoken/balanceOf?arg0=${FRIEND}`, { t: readToken });
    assert.equal(downRead.status, 503);
    console.log(`# unreachable node: two gateway calls refused in ${Math.round(performance.now() - started)} ms`);
    const anonymous = await s.request('GET', `/gateway/token/balanceOf?arg0=${FRIEND}`);
    assert.equal(anonymous.status, 401);
  });

  test('an admin-registered contract survives a restart; DELETE removes it (audited)', async () => {
    s = await s.restart();
    const read = await gw('GET', '/gateway/book/stored', { t: readToken });
    assert.equal(read.status, 200, read.text);
    const configured = await gw('DELETE', '/admin/gateway/contracts/token', { t: s.adminToken });
    assert.equal(configured.status, 409);
    const del = await gw('DELETE', '/admin/gateway/contracts/book', { t: s.adminToken });
    assert.equal(del.status, 200, del.text);
    const [rec] = await waitForAudit(s, (r) => r.request_id === del.headers.get('x-request-id') && r.action === 'gateway_contract_remove');
    assert.equal(rec?.decision, 'admin');
    assert.equal((await gw('GET', '/gateway/book/stored', { t: readToken })).status, 404);
    assert.equal((await gw('DELETE', '/admin/gateway/contracts/book', { t: s.adminToken })).status, 404);
  });
});
